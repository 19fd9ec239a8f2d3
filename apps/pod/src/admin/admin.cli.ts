import 'reflect-metadata';
import { copyFileSync, createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { openEventStore, type OpenedEventStore } from '@swarmtube/event-store';
import { wireForm } from '../audit/wire-form.js';
import { ConfigError, loadPodConfig } from '../config/pod-config.js';
import { acquireDataLock, type DataLock } from '../migrations/data-lock.js';
import { migrate } from '../migrations/migrate.js';
import { generatePassword } from '../users/admin-password.js';
import { passwordProblems, roleProblems, usernameProblems } from '../users/domain/account-fields.js';
import { LocalAccounts, type Role } from '../users/local-accounts.js';
import { VideoJobs } from '../videos/processing/video-jobs.js';

const USAGE = `usage: npm run admin -- <command> [arguments] (--config FILE | --data-dir DIR | --database postgres://… --schema S [--data-dir DIR])

commands:
  reset-password <username> [--password-file FILE | --password-stdin]   (none: a generated password is printed)
  create-user <username> [--role user|admin] [--password-file FILE | --password-stdin]
  delete-user <username>
  list-users
  friends                                   this pod's friendships and each peer's health score
  export-log [--output FILE]                the log as NDJSON (as GET /api/v1/events, Accept: application/x-ndjson)
  retry-job <uuid> [--file UPLOAD]          queue a failed video job again; the pod processes it at its next start

The pod must be stopped: the command refuses to run beside a live pod on the same data.
Passwords are never taken from the command line (they would show in ps and the shell history).`;

/** Bad usage: exit code 2. */
class UsageError extends Error {}
/** The command could not do what was asked (unknown user, weak password, job not failed): exit code 1. */
class CommandError extends Error {}

interface Options {
  config?: string;
  'data-dir'?: string;
  database?: string;
  schema?: string;
  'password-file'?: string;
  'password-stdin'?: boolean;
  role?: string;
  output?: string;
  file?: string;
}

interface Opened {
  store: OpenedEventStore;
  dataDir: string;
  close(): Promise<void>;
}

const COMMANDS: Record<string, { args: number; run(args: string[], options: Options, pod: Opened): Promise<void> }> = {
  'reset-password': {
    args: 1,
    async run([username], options, pod) {
      const given = await passwordFrom(options);
      const password = given ?? generatePassword();
      const result = await new LocalAccounts(pod.store.readModels).setPassword(username!, password);
      if (result === 'not-found') throw new CommandError(`no account named ${JSON.stringify(username)}`);
      console.log(given ? `password of ${username} changed; its tokens are revoked` : `new password of ${username}: ${password}\n(shown once; stored only as a hash; its tokens are revoked)`);
    },
  },
  'create-user': {
    args: 1,
    async run([username], options, pod) {
      const role = (options.role ?? 'user') as Role;
      const problems = roleProblems(role);
      if (problems.length > 0) throw new UsageError(problems.join('; '));
      const given = await passwordFrom(options);
      const password = given ?? generatePassword();
      const created = await new LocalAccounts(pod.store.readModels).createAccount({ username: username!, password, role });
      if (created === 'taken') throw new CommandError(`the name ${JSON.stringify(username)} is taken (in use, or retired after a deletion)`);
      console.log(given ? `account ${username} created (${role})` : `account ${username} created (${role}), password: ${password}\n(shown once; stored only as a hash)`);
    },
  },
  'delete-user': {
    args: 1,
    async run([username], _options, pod) {
      const result = await new LocalAccounts(pod.store.readModels).deleteAccount(username!);
      if (result === 'root') throw new CommandError('root is the pod\'s own admin and cannot be deleted (reset-password root sets a new password)');
      if (result === 'not-found') throw new CommandError(`no account named ${JSON.stringify(username)}`);
      console.log(`account ${username} deleted, its tokens revoked, its name retired`);
    },
  },
  'list-users': {
    args: 0,
    async run(_args, _options, pod) {
      for (const account of await new LocalAccounts(pod.store.readModels).list()) console.log(`${account.username}\t${account.role}\t${account.createdAt}`);
    },
  },
  friends: {
    args: 0,
    async run(_args, _options, pod) {
      const me = await ownActor(pod.store);
      const rows = await pod.store.readModels.query<Record<string, string | number | null>>(
        `SELECT p.host, f.status AS friendship, p.status AS pod_status, h.score, h.failures_in_row, h.last_seen_at, h.last_error
         FROM rm_friendships f JOIN rm_pods p ON p.actor = CASE WHEN f.requester = $1 THEN f.target ELSE f.requester END
         LEFT JOIN pod_health h ON h.actor = p.actor
         WHERE f.requester = $1 OR f.target = $1 ORDER BY p.host`,
        [me],
      );
      console.log(['host', 'friendship', 'pod', 'health', 'failures in a row', 'last seen', 'last error'].join('\t'));
      for (const row of rows) {
        console.log([row.host, row.friendship, row.pod_status, row.score ?? 'new', row.failures_in_row ?? 0, row.last_seen_at ?? '-', row.last_error ?? '-'].join('\t'));
      }
    },
  },
  'export-log': {
    args: 0,
    async run(_args, options, pod) {
      const out = options.output ? createWriteStream(options.output, { flags: 'wx', mode: 0o600 }) : process.stdout;
      if (options.output) await once(out, 'open');
      let after = 0;
      for (;;) {
        const page = await pod.store.readAll({ after, limit: 1000 });
        if (page.length === 0) break;
        if (!out.write(page.map((event) => wireForm(event) + '\n').join(''))) await once(out, 'drain');
        after = page[page.length - 1]!.position;
      }
      if (options.output) {
        out.end();
        await once(out, 'finish');
      }
    },
  },
  'retry-job': {
    args: 1,
    async run([uuid], options, pod) {
      const jobs = new VideoJobs(pod.store.readModels);
      const job = await jobs.get(uuid!);
      if (!job) throw new CommandError(`no video job ${JSON.stringify(uuid)}`);
      if (job.state !== 'failed') throw new CommandError(`job ${uuid} is ${job.state}, not failed: nothing to retry`);
      let source = job.sourcePath && existsSync(job.sourcePath) ? job.sourcePath : null;
      if (options.file) {
        if (!existsSync(options.file) || !statSync(options.file).isFile()) throw new CommandError(`no file ${options.file}`);
        // Into the uploads folder, as an upload: the pod's start resumes jobs whose source is there.
        source = join(pod.dataDir, 'uploads', `${randomBytes(16).toString('hex')}.part`);
        copyFileSync(options.file, source);
      }
      if (!source) throw new CommandError(`the upload of job ${uuid} is gone (a failed job's upload is removed): give the original file with --file`);
      // No plan, no file: the resumed job plans again from the upload, as a fresh one.
      await jobs.update(uuid!, { state: 'processing', progress: 0, step: 'queued', errorCode: null, errorMessage: null, sourcePath: source, plan: null, filePath: null, updatedAt: new Date().toISOString() });
      console.log(`job ${uuid} (${job.name}) queued again from ${options.file ? basename(options.file) : source}: the pod processes it at its next start`);
    },
  },
};

async function passwordFrom(options: Options): Promise<string | null> {
  if (options['password-file'] && options['password-stdin']) throw new UsageError('give --password-file or --password-stdin, not both');
  let raw: string;
  if (options['password-file']) {
    try {
      raw = readFileSync(options['password-file'], 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --password-file: ${(error as Error).message}`);
    }
  } else if (options['password-stdin']) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    raw = Buffer.concat(chunks).toString('utf8');
  } else {
    return null;
  }
  // One trailing newline is the file's, not the password's.
  const password = raw.replace(/\r?\n$/, '');
  const problems = passwordProblems(password);
  if (problems.length > 0) throw new CommandError(`weak password: ${problems.join('; ')}`);
  return password;
}

/** The pod's actor: the origin of the first event of its log (its own PodJoined). */
async function ownActor(store: OpenedEventStore): Promise<string> {
  const [first] = await store.readAll({ after: 0, limit: 1 });
  if (!first) throw new CommandError('the log is empty: this pod never started');
  return first.event.origin;
}

function target(options: Options): { database: string; dataDir: string; schema: string } {
  if (options.config) {
    if (options.database || options['data-dir'] || options.schema) throw new UsageError('--config already says where the data is: no --data-dir, --database or --schema with it');
    const config = loadPodConfig({ file: options.config, env: {} });
    return { database: config.database, dataDir: config.dataDir, schema: config.databaseSchema };
  }
  if (options.database) {
    if (!/^postgres(ql)?:\/\//.test(options.database)) throw new UsageError('--database must be a postgres:// URL (for SQLite give --data-dir)');
    return { database: options.database, dataDir: options['data-dir'] ?? '', schema: options.schema ?? 'public' };
  }
  if (options.schema) throw new UsageError('--schema goes with --database postgres://…');
  if (options['data-dir']) return { database: 'sqlite', dataDir: options['data-dir'], schema: 'public' };
  throw new UsageError('say where the pod\'s data is: --config FILE, --data-dir DIR or --database postgres://… --schema S');
}

async function open(where: { database: string; dataDir: string; schema: string }, holder: string): Promise<Opened> {
  if (where.database === 'sqlite' && !existsSync(join(where.dataDir, 'events.sqlite'))) throw new CommandError(`no pod data in ${where.dataDir} (no events.sqlite)`);
  const lock: DataLock = await acquireDataLock({ ...where, holder });
  let store: OpenedEventStore | undefined;
  try {
    store = await openEventStore({
      database: where.database,
      dataDir: where.dataDir,
      schema: where.schema,
      // The admin commands change local state only, never the log.
      sealer: {
        origin: 'admin',
        seal() {
          throw new Error('the admin CLI does not append events');
        },
      },
    });
    await migrate(store.readModels);
  } catch (error) {
    await store?.close().catch(() => {});
    await lock.release();
    throw error;
  }
  const opened = store;
  return {
    store: opened,
    dataDir: where.dataDir,
    async close() {
      await opened.close();
      await lock.release();
    },
  };
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--password') || argv.some((arg) => arg.startsWith('--password='))) {
    throw new UsageError('passwords are not taken from the command line (ps and the shell history show it): use --password-file FILE or --password-stdin');
  }
  let parsed: { values: Options; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        'data-dir': { type: 'string' },
        database: { type: 'string' },
        schema: { type: 'string' },
        'password-file': { type: 'string' },
        'password-stdin': { type: 'boolean' },
        role: { type: 'string' },
        output: { type: 'string', short: 'o' },
        file: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }) as { values: Options; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [name, ...args] = parsed.positionals;
  if ((parsed.values as { help?: boolean }).help) {
    console.log(USAGE);
    return 0;
  }
  if (!name) throw new UsageError('no command');
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  if (args.length !== command.args) throw new UsageError(`${name} takes ${command.args === 0 ? 'no argument' : `${command.args} argument`}, got ${args.length}`);
  if (['reset-password', 'create-user', 'delete-user'].includes(name)) {
    const problems = usernameProblems(args[0]);
    if (problems.length > 0) throw (name === 'create-user' ? new UsageError(problems.join('; ')) : new CommandError(`no account named ${JSON.stringify(args[0])}`));
  }
  const where = target(parsed.values);
  if (name === 'retry-job' && !where.dataDir) throw new UsageError('retry-job needs the data folder too (--data-dir or --config): uploads live there');
  const pod = await open(where, `admin ${name}`);
  try {
    await command.run(args, parsed.values, pod);
  } finally {
    await pod.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(`swarmtube admin: ${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    const code = (error as { code?: unknown })?.code;
    if (error instanceof CommandError || typeof code === 'string') {
      console.error(`swarmtube admin: ${(error as Error).message}`);
      process.exit(1);
    }
    console.error(error);
    process.exit(1);
  },
);
