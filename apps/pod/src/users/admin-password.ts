import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_USERNAME, type LocalAccounts } from './local-accounts.js';

/** The AdminPassword provider's token (UsersModule). */
export const ADMIN_PASSWORD = Symbol('AdminPassword');

export interface AdminPassword {
  /** The password this start generated for root, to be shown once (main.ts); kept nowhere in clear. */
  generated: string | null;
  /** Where root's password came from at this start. */
  source: 'environment' | 'stored' | 'generated' | 'legacy-file';
}

/** Where pods before 0.2 kept the generated root password in clear text. */
export function legacyAdminPasswordFile(dataDir: string): string {
  return join(dataDir, 'admin-password');
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Root's password at start: $SWARMTUBE_ADMIN_PASSWORD when set (root's hash follows it);
 * else the stored hash; else, at first start, a generated one, shown once and stored only as
 * its scrypt hash. A data folder of an older pod still has it in clear in `admin-password`:
 * its hash is taken and the file removed (`npm run admin -- reset-password root` sets a new one).
 */
export async function settleRootPassword(accounts: LocalAccounts, dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<AdminPassword> {
  const legacy = legacyAdminPasswordFile(dataDir);
  let fromFile: string | undefined;
  try {
    fromFile = readFileSync(legacy, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let result: AdminPassword;
  if (env.SWARMTUBE_ADMIN_PASSWORD) {
    await accounts.setPassword(ROOT_USERNAME, env.SWARMTUBE_ADMIN_PASSWORD);
    result = { generated: null, source: 'environment' };
  } else if (fromFile) {
    await accounts.setPassword(ROOT_USERNAME, fromFile);
    result = { generated: null, source: 'legacy-file' };
  } else if (await accounts.account(ROOT_USERNAME)) {
    result = { generated: null, source: 'stored' };
  } else {
    const password = generatePassword();
    await accounts.setPassword(ROOT_USERNAME, password);
    result = { generated: password, source: 'generated' };
  }
  // Only after the hash is stored: a crash before leaves the file for the next start.
  rmSync(legacy, { force: true });
  return result;
}
