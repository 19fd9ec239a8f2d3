import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { findRepositoryRoot } from '../apps/pod/src/repository-root.js';
import { freePort, waitUntil } from '../libs/testing/src/pod-process.js';
import { tempDir } from '../libs/testing/src/test-databases.js';
import { mainConfig, renderSite } from './support/internet/nginx.js';

/**
 * What an admin installs on a server (docs/deploy.md): the systemd unit as systemd itself
 * checks it, the production start (a built tree, no npm, no build, no dev dependencies),
 * and the nginx site as nginx checks it. The site's behaviour on a network is
 * test/internet.e2e.spec.ts.
 */

const root = findRepositoryRoot();
const run = promisify(execFile);
const UNIT = join(root, 'deploy', 'systemd', 'swarmtube.service');

function which(command: string): string | undefined {
  return ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((dir) => join(dir, command)).find((path) => existsSync(path));
}

/** The unit with its documented paths pointing at this checkout (and root: no `swarmtube` user here). */
function renderUnit(dir: string): string {
  let unit = readFileSync(UNIT, 'utf8');
  for (const placeholder of ['/srv/swarmtube/app', '/etc/swarmtube/pod.yaml', '/var/lib/swarmtube', 'User=swarmtube', 'Group=swarmtube']) {
    assert.ok(unit.includes(placeholder), `the unit names ${placeholder}`);
  }
  unit = unit.split('/srv/swarmtube/app').join(root).split('/etc/swarmtube/pod.yaml').join(join(dir, 'pod.yaml')).split('/var/lib/swarmtube').join(join(dir, 'data'));
  unit = unit.replace('User=swarmtube', 'User=root').replace('Group=swarmtube', 'Group=root');
  const path = join(dir, 'swarmtube.service');
  writeFileSync(path, unit);
  return path;
}

describe('deploying a pod on a server', () => {
  test('the systemd unit passes `systemd-analyze verify` without a warning, and its exposure is low', async (t) => {
    const analyze = which('systemd-analyze');
    assert.ok(analyze, 'systemd-analyze is missing: install Debian\'s systemd package to check deploy/systemd/swarmtube.service');
    const dir = tempDir('swarmtube-unit-');
    try {
      mkdirSync(join(dir.path, 'data'));
      writeFileSync(join(dir.path, 'pod.yaml'), 'name: Unit check\n');
      const unit = renderUnit(dir.path);
      const verified = await run(analyze, ['verify', unit]).catch((error: { code: number; stderr: string }) => assert.fail(`systemd-analyze verify failed (${error.code}): ${error.stderr}`));
      assert.equal(verified.stderr.trim(), '', `no warning from systemd-analyze verify: ${verified.stderr}`);
      const { stdout } = await run(analyze, ['security', '--offline=yes', unit]);
      const exposure = Number(/Overall exposure level for swarmtube\.service: ([\d.]+)/.exec(stdout)?.[1]);
      assert.ok(exposure <= 2.5, `exposure ${exposure} (systemd-analyze security: 0 safest, 10 unprotected)`);
      t.diagnostic(`systemd-analyze security --offline: exposure ${exposure}`);

      // A misspelt key is a warning, which the check above refuses: prove it would see one.
      writeFileSync(unit, readFileSync(unit, 'utf8').replace('ProtectSystem=strict', 'ProtectSystm=strict'));
      const misspelt = await run(analyze, ['verify', unit]).catch((error: { stderr: string }) => ({ stderr: error.stderr }));
      assert.match(misspelt.stderr, /Unknown key 'ProtectSystm'/);
    } finally {
      dir.remove();
    }
  });

  test('scripts/start-production.sh runs one pod from the built tree (no npm, no build) and stops it cleanly on SIGTERM', async () => {
    const dir = tempDir('swarmtube-production-');
    const port = await freePort();
    const peerPort = await freePort();
    writeFileSync(join(dir.path, 'pod.yaml'), `name: Production\nhost: 127.0.0.1:${port}\nport: ${port}\npeerPort: ${peerPort}\ndataDir: ${join(dir.path, 'data')}\n`);
    // PATH without npm's folder would not prove much here: npm and node share /usr/bin. The
    // script's own output says what it ran; the pod answers; SIGTERM ends it with 0.
    const child = spawn(join(root, 'scripts', 'start-production.sh'), ['--config', join(dir.path, 'pod.yaml')], {
      cwd: dir.path,
      env: { PATH: process.env.PATH, SWARMTUBE_ADMIN_PASSWORD: 'production-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const config = await waitUntil('the production pod to answer', async () => {
        if (child.exitCode !== null) assert.fail(`it exited with ${child.exitCode}: ${output}`);
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/config`).catch(() => undefined);
        return response?.ok ? ((await response.json()) as { name: string }) : undefined;
      }, 60_000, 200);
      assert.equal(config.name, 'Production');
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, `stopped cleanly: ${output}`);
      assert.doesNotMatch(output, /npm|bootstrap|build:/, 'nothing installed or built at start');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      dir.remove();
    }
  });

  test('start-production.sh without a build says so and exits 2 (systemd does not restart it in a loop)', async () => {
    const dir = tempDir('swarmtube-unbuilt-');
    try {
      mkdirSync(join(dir.path, 'scripts'));
      const script = join(dir.path, 'scripts', 'start-production.sh');
      copyFileSync(join(root, 'scripts', 'start-production.sh'), script);
      chmodSync(script, 0o755);
      const failed = await run(script, ['--config', '/nonexistent.yaml']).then(() => assert.fail('it started'), (error: { code: number; stderr: string }) => error);
      assert.equal(failed.code, 2);
      assert.match(failed.stderr, /dist\/apps\/pod\/src\/main\.js is missing: build the tree first/);
      assert.match(readFileSync(UNIT, 'utf8'), /^RestartPreventExitStatus=2$/m);
    } finally {
      dir.remove();
    }
  });

  test("the pod's code imports only `dependencies`: `npm prune --omit=dev` after the build leaves a working pod", () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const allowed = new Set([...Object.keys(pkg.dependencies), 'express']); // express comes with @nestjs/platform-express, which the pod mounts its routes on
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.js') && !/\.spec\.js$|test-support|[/\\]testing[/\\]/.test(path)) files.push(path);
      }
    };
    walk(join(root, 'dist', 'apps', 'pod'));
    walk(join(root, 'dist', 'libs'));
    assert.ok(files.length > 50, 'the build is there');
    const offending: string[] = [];
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*['"]([^'".][^'"]*)['"]/g)) {
        if (match[1].startsWith('node:')) continue;
        const name = match[1].startsWith('@') ? match[1].split('/').slice(0, 2).join('/') : match[1].split('/')[0];
        if (!allowed.has(name)) offending.push(`${file.slice(root.length + 1)} imports ${name}${name in pkg.devDependencies ? ' (a devDependency)' : ''}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  test('the nginx site, rendered for a host, passes `nginx -t`', async () => {
    const nginx = which('nginx');
    assert.ok(nginx, 'nginx is missing: scripts/install-system-packages.sh installs it');
    const dir = tempDir('swarmtube-nginx-');
    try {
      const cert = join(dir.path, 'cert.pem');
      const key = join(dir.path, 'key.pem');
      await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=video.test', '-addext', 'subjectAltName=DNS:video.test']);
      const site = join(dir.path, 'site.conf');
      writeFileSync(site, renderSite({ host: 'video.test', certPath: cert, keyPath: key, upstream: '127.0.0.1:9000', uploadMaxBytes: 4 * 1024 ** 3, acmeRoot: join(dir.path, 'acme') }));
      assert.match(readFileSync(site, 'utf8'), /client_max_body_size 4097m;/, 'uploads.maxBytes (4 GiB) plus the multipart envelope');
      mkdirSync(join(dir.path, 'tmp'));
      writeFileSync(join(dir.path, 'nginx.conf'), mainConfig(dir.path, site));
      const checked = await run(nginx, ['-t', '-c', join(dir.path, 'nginx.conf')]).catch((error: { stderr: string }) => assert.fail(`nginx -t: ${error.stderr}`));
      assert.match(checked.stderr, /syntax is ok/);
    } finally {
      dir.remove();
    }
  });
});
