import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import type { Account, IssuedToken, Role } from '../../../../libs/contracts/src/api/rest-types.js';
import type { ReadModelDatabase } from '../../../../libs/event-store/src/read-model-database.port.js';

/** scrypt (memory-hard): N=2^15, r=8, p=1 uses 32 MiB per hash, about 60 ms here. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } satisfies ScryptOptions;
const TOKEN_LIFETIME_SECONDS = 24 * 3600;

function scryptAsync(password: BinaryLike, salt: BinaryLike): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))));
}

export type { Account, IssuedToken, Role };
export const ROLES: readonly Role[] = ['admin', 'user'];

/** The pod's first admin, made from the admin password at every start: never deleted. */
export const ROOT_USERNAME = 'root';

export interface Session {
  username: string;
  role: Role;
}

/**
 * Local accounts and their bearer tokens. Local state, not events: passwords and tokens are
 * never replicated. Only a hash of each token is stored, so a leaked database grants nothing.
 */
export class LocalAccounts {
  constructor(
    private readonly db: ReadModelDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async init(rootPassword: string): Promise<void> {
    await this.db.execute([
      {
        sql: `CREATE TABLE IF NOT EXISTS local_accounts (
          username TEXT PRIMARY KEY, role TEXT NOT NULL, password_salt TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)`,
      },
      {
        sql: `CREATE TABLE IF NOT EXISTS local_tokens (
          token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at TEXT NOT NULL, created_at TEXT NOT NULL)`,
      },
      // Names of deleted accounts stay taken: signed events name their author by username, so
      // a newcomer under the same name would inherit the old account's videos and voice.
      { sql: 'CREATE TABLE IF NOT EXISTS local_retired_usernames (username TEXT PRIMARY KEY, retired_at TEXT NOT NULL)' },
    ]);
    // The root password may have changed ($SWARMTUBE_ADMIN_PASSWORD): keep root's hash in step.
    const [root] = await this.db.query<{ password_salt: string; password_hash: string }>(
      'SELECT password_salt, password_hash FROM local_accounts WHERE username = $1',
      ['root'],
    );
    if (root && (await this.matches(rootPassword, root.password_salt, root.password_hash))) return;
    const salt = randomBytes(16).toString('base64');
    const hash = (await scryptAsync(rootPassword, salt)).toString('base64');
    await this.db.execute([
      {
        sql: `INSERT INTO local_accounts (username, role, password_salt, password_hash, created_at) VALUES ('root', 'admin', $1, $2, $3)
              ON CONFLICT (username) DO UPDATE SET password_salt = excluded.password_salt, password_hash = excluded.password_hash`,
        params: [salt, hash, this.now().toISOString()],
      },
      // A new root password revokes every root token issued under the old one.
      ...(root ? [{ sql: `DELETE FROM local_tokens WHERE username = 'root'` }] : []),
    ]);
  }

  /** A token for good credentials, or null. Costs one scrypt either way, so timing tells nothing. */
  async issueToken(username: string, password: string): Promise<IssuedToken | null> {
    const [account] = await this.db.query<{ password_salt: string; password_hash: string }>(
      'SELECT password_salt, password_hash FROM local_accounts WHERE username = $1',
      [username],
    );
    const ok = await this.matches(password, account?.password_salt ?? 'no-such-account', account?.password_hash ?? '');
    if (!account || !ok) return null;
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.db.execute([
      { sql: 'DELETE FROM local_tokens WHERE expires_at < $1', params: [now.toISOString()] },
      {
        sql: 'INSERT INTO local_tokens (token_hash, username, expires_at, created_at) VALUES ($1, $2, $3, $4)',
        params: [hashToken(token), username, new Date(now.getTime() + TOKEN_LIFETIME_SECONDS * 1000).toISOString(), now.toISOString()],
      },
    ]);
    return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS };
  }

  /**
   * A new account, or 'taken' when the name is in use or retired. Fields must be valid already
   * (account-fields.ts). Safe under concurrent sign-ups of one name: exactly one wins.
   */
  async createAccount(fields: { username: string; password: string; role: Role }): Promise<Account | 'taken'> {
    const salt = randomBytes(16).toString('base64');
    const hash = (await scryptAsync(fields.password, salt)).toString('base64');
    const createdAt = this.now().toISOString();
    await this.db.execute([
      {
        // SQLite needs the WHERE to read ON CONFLICT as the upsert clause.
        sql: `INSERT INTO local_accounts (username, role, password_salt, password_hash, created_at)
              SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM local_retired_usernames WHERE username = $1)
              ON CONFLICT (username) DO NOTHING`,
        params: [fields.username, fields.role, salt, hash, createdAt],
      },
    ]);
    // The salt is fresh randomness: finding it in the row proves this call wrote the row.
    const [row] = await this.db.query<{ password_salt: string }>('SELECT password_salt FROM local_accounts WHERE username = $1', [fields.username]);
    if (row?.password_salt !== salt) return 'taken';
    return { username: fields.username, role: fields.role, createdAt };
  }

  async account(username: string): Promise<Account | null> {
    const [row] = await this.db.query<{ username: string; role: Role; created_at: string }>(
      'SELECT username, role, created_at FROM local_accounts WHERE username = $1',
      [username],
    );
    return row ? { username: row.username, role: row.role, createdAt: row.created_at } : null;
  }

  /** Accounts that can sign in, root included (NodeInfo's users.total). */
  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM local_accounts');
    return Number(row?.n ?? 0);
  }

  /** Removes the account with every token it holds, and retires its name. Root stays. */
  async deleteAccount(username: string): Promise<'deleted' | 'not-found' | 'root'> {
    if (username === ROOT_USERNAME) return 'root';
    if (!(await this.account(username))) return 'not-found';
    await this.db.execute([
      { sql: 'DELETE FROM local_tokens WHERE username = $1', params: [username] },
      { sql: 'DELETE FROM local_accounts WHERE username = $1', params: [username] },
      {
        sql: 'INSERT INTO local_retired_usernames (username, retired_at) VALUES ($1, $2) ON CONFLICT (username) DO NOTHING',
        params: [username, this.now().toISOString()],
      },
    ]);
    return 'deleted';
  }

  async sessionFor(token: string): Promise<Session | null> {
    if (token.length === 0 || token.length > 200) return null;
    const [row] = await this.db.query<{ username: string; role: Role }>(
      `SELECT a.username, a.role FROM local_tokens t JOIN local_accounts a ON a.username = t.username
       WHERE t.token_hash = $1 AND t.expires_at > $2`,
      [hashToken(token), this.now().toISOString()],
    );
    return row ?? null;
  }

  /** Revokes this one token; the account's other tokens keep working. */
  async revoke(token: string): Promise<void> {
    await this.db.execute([{ sql: 'DELETE FROM local_tokens WHERE token_hash = $1', params: [hashToken(token)] }]);
  }

  private async matches(password: string, salt: string, expectedBase64: string): Promise<boolean> {
    const actual = await scryptAsync(password, salt);
    const expected = Buffer.from(expectedBase64, 'base64');
    return expected.length === actual.length && timingSafeEqual(actual, expected);
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
