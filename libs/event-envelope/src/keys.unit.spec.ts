import { spawn } from 'node:child_process';
import { sign, verify } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_FILES, PodKeyError, loadOrCreatePodKeys } from './keys.js';
import { decodeMultikey } from './multikey.js';

let root: string;
let counter = 0;
const freshDataDir = () => join(root, `pod-${++counter}`);
const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function rejectsWith(promise: Promise<unknown>, code: string, path: string): Promise<PodKeyError> {
  const error = await promise.then(
    () => assert.fail('expected a PodKeyError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof PodKeyError, `expected a PodKeyError, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.equal(error.path, path);
  assert.ok(error.message.includes(path), `the message names the file: ${error.message}`);
  return error;
}

describe('loadOrCreatePodKeys', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'swarmtube-keys-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('first start creates both keys, private to the owner', async () => {
    const dataDir = freshDataDir();
    const keys = await loadOrCreatePodKeys(dataDir);
    assert.equal(await mode(join(dataDir, 'keys')), 0o700);
    assert.deepEqual((await readdir(join(dataDir, 'keys'))).sort(), Object.values(KEY_FILES).sort());
    for (const name of Object.values(KEY_FILES)) assert.equal(await mode(join(dataDir, 'keys', name)), 0o600, name);
    assert.equal(keys.ed25519.privateKey.asymmetricKeyType, 'ed25519');
    assert.equal(keys.rsa.privateKey.asymmetricKeyType, 'rsa');
    assert.equal(keys.rsa.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.match(keys.ed25519.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.match(keys.rsa.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
    assert.doesNotMatch(keys.rsa.publicKeyPem + keys.ed25519.publicKeyPem, /PRIVATE/);
    const decoded = decodeMultikey(keys.ed25519.publicKeyMultibase);
    assert.ok(decoded.ok);
    assert.ok(decoded.publicKey.equals(keys.ed25519.publicKey));
  });

  test('a second start loads the same keys: what the first signed, the second verifies', async () => {
    const dataDir = freshDataDir();
    const first = await loadOrCreatePodKeys(dataDir);
    const message = Buffer.from('event');
    const edSignature = sign(null, message, first.ed25519.privateKey);
    const rsaSignature = sign('sha256', message, first.rsa.privateKey);
    const second = await loadOrCreatePodKeys(dataDir);
    assert.equal(second.ed25519.publicKeyPem, first.ed25519.publicKeyPem);
    assert.equal(second.rsa.publicKeyPem, first.rsa.publicKeyPem);
    assert.equal(second.ed25519.publicKeyMultibase, first.ed25519.publicKeyMultibase);
    assert.ok(verify(null, message, second.ed25519.publicKey, edSignature));
    assert.ok(verify('sha256', message, second.rsa.publicKey, rsaSignature));
  });

  test('two processes starting at once end up with one key, not two', async () => {
    const dataDir = freshDataDir();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => loadOrCreatePodKeys(dataDir)));
    assert.equal(a!.ed25519.publicKeyPem, b!.ed25519.publicKeyPem);
    assert.equal(a!.ed25519.publicKeyPem, c!.ed25519.publicKeyPem);
    assert.equal(a!.rsa.publicKeyPem, b!.rsa.publicKeyPem);
    assert.equal(a!.rsa.publicKeyPem, c!.rsa.publicKeyPem);
    assert.deepEqual((await readdir(join(dataDir, 'keys'))).sort(), Object.values(KEY_FILES).sort(), 'no temp file left');
  });

  test('a crash during creation leaves a temp file, never a half key: the next start creates a whole one', async () => {
    const dataDir = freshDataDir();
    const dir = join(dataDir, 'keys');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const half = join(dir, `${KEY_FILES.ed25519}.4242.0badc0ffee00.tmp`);
    await writeFile(half, '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2Vw', { mode: 0o600 });
    const longAgo = new Date(Date.now() - 3_600_000);
    await utimes(half, longAgo, longAgo);
    const keys = await loadOrCreatePodKeys(dataDir);
    assert.equal(keys.ed25519.privateKey.asymmetricKeyType, 'ed25519');
    assert.deepEqual((await readdir(dir)).sort(), Object.values(KEY_FILES).sort(), 'the stale temp file is removed');
  });

  test('a pod killed (SIGKILL) at any moment of its first start never leaves an unreadable key', async (t) => {
    const dataDir = freshDataDir();
    const keysModule = new URL('./keys.js', import.meta.url).href;
    const script = `import { loadOrCreatePodKeys } from ${JSON.stringify(keysModule)};
      await loadOrCreatePodKeys(process.env.DATA_DIR); process.stdout.write('done');`;
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 12; attempt++) {
      await rm(dataDir, { recursive: true, force: true });
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Spread the kills over the start: before, during and after key generation and writing.
      setTimeout(() => child.kill('SIGKILL'), 40 + attempt * 15);
      await exited;
      const left = await readdir(join(dataDir, 'keys')).catch(() => []);
      outcomes.push(output === 'done' ? 'finished' : `killed with [${left.join(' ')}]`);
      const keys = await loadOrCreatePodKeys(dataDir);
      assert.equal(keys.ed25519.privateKey.asymmetricKeyType, 'ed25519');
      assert.equal(keys.rsa.privateKey.asymmetricKeyType, 'rsa');
    }
    t.diagnostic(outcomes.join('; '));
    assert.ok(outcomes.some((o) => o.startsWith('killed')), 'some starts were interrupted');
  });

  test('one key lost: the other is kept and the missing one is created', async () => {
    const dataDir = freshDataDir();
    const first = await loadOrCreatePodKeys(dataDir);
    await rm(first.rsa.path);
    const second = await loadOrCreatePodKeys(dataDir);
    assert.equal(second.ed25519.publicKeyPem, first.ed25519.publicKeyPem);
    assert.notEqual(second.rsa.publicKeyPem, first.rsa.publicKeyPem);
  });

  test('a key file readable by others is refused, as ssh does', async () => {
    const dataDir = freshDataDir();
    const { ed25519 } = await loadOrCreatePodKeys(dataDir);
    await chmod(ed25519.path, 0o644);
    const error = await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-permissions', ed25519.path);
    assert.match(error.message, /0644/);
    assert.match(error.message, /chmod 600/);
    await chmod(ed25519.path, 0o640);
    await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-permissions', ed25519.path);
    await chmod(ed25519.path, 0o400);
    await loadOrCreatePodKeys(dataDir);
  });

  test('a key directory writable by others is refused', async () => {
    const dataDir = freshDataDir();
    await loadOrCreatePodKeys(dataDir);
    const dir = join(dataDir, 'keys');
    await chmod(dir, 0o777);
    await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-permissions', dir);
  });

  test('a corrupt key file is a key-unreadable error naming the file, and is left as it was', async () => {
    const dataDir = freshDataDir();
    const { ed25519, rsa } = await loadOrCreatePodKeys(dataDir);
    const pem = await readFile(rsa.path, 'utf8');
    await writeFile(rsa.path, pem.slice(0, pem.length / 2));
    await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-unreadable', rsa.path);
    await writeFile(rsa.path, '');
    await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-unreadable', rsa.path);
    await writeFile(rsa.path, Buffer.from([0xff, 0x00, 0x13, 0x37]));
    await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-unreadable', rsa.path);
    assert.deepEqual(await readFile(rsa.path), Buffer.from([0xff, 0x00, 0x13, 0x37]), 'never replaced by a new key');
    await writeFile(rsa.path, await readFile(ed25519.path));
    const error = await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-unreadable', rsa.path);
    assert.match(error.message, /expected an RSA key/);
  });

  test('a key path that cannot be read as a file is key-unreadable', async () => {
    const dataDir = freshDataDir();
    const path = join(dataDir, 'keys', KEY_FILES.ed25519);
    await mkdir(path, { recursive: true, mode: 0o700 });
    await chmod(join(dataDir, 'keys'), 0o700);
    await rejectsWith(loadOrCreatePodKeys(dataDir), 'key-unreadable', path);
  });
});
