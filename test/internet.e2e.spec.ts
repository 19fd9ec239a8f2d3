import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NsClient } from './support/internet/client.js';
import { NetnsRun, namespaceSupport, sweepStaleRuns, type NsProcess } from './support/internet/netns.js';
import { startNginx, type RunningNginx } from './support/internet/nginx.js';
import { ADMIN_PASSWORD, POD_PORT, startPod, type NsPod } from './support/internet/pod.js';
import { buildSmallInternet, CLIENT_ADDRESS, POD_NAMES, type SmallInternet } from './support/internet/small-internet.js';
import { makeTestCa, type TestCa } from './support/internet/tls.js';

/**
 * Swarmtube on a small internet built on this machine (test/support/internet/): network
 * namespaces joined by veth pairs to a backbone bridge, three pods each on its own host and
 * name behind nginx (the repository's deploy/nginx site, with certificates from a CA this
 * test makes), a TURN server, a client host, and two homes whose viewers sit behind NAT
 * routers (nftables). Every namespace, process and file it makes is removed at the end, even
 * when a step fails; a run killed before that is swept by the next one.
 *
 * Needs root (CI runs as root) and Debian's iproute2, nftables, nginx, coturn, openssl,
 * libnss3-tools and aria2: where namespaces cannot be made, the test fails and says why.
 */

const UPLOAD_MAX_BYTES = 64 * 1024 * 1024;

describe('Swarmtube on a small internet of network namespaces', { timeout: 300_000 }, () => {
  let run: NetnsRun | undefined;
  let net: SmallInternet;
  let ca: TestCa;
  let client: NsClient;
  const nginxes: RunningNginx[] = [];
  const pods: NsPod[] = [];
  const helpers: NsProcess[] = [];

  before(async () => {
    const unsupported = await namespaceSupport();
    if (unsupported) throw new Error(`the small-internet test cannot run on this machine: ${unsupported}`);
    await sweepStaleRuns();
    run = new NetnsRun();
    net = await buildSmallInternet(run);
    ca = await makeTestCa(join(run.work, 'ca'));
    client = new NsClient(run, net.client, ca.certPath);
  });

  after(async () => {
    if (!run) return;
    const made = run.prefix;
    const failures = pods.map((pod) => (pod.process.exited() && pod.process.child.exitCode !== 0 ? `${pod.name}:\n${pod.output().slice(-3000)}` : '')).filter(Boolean);
    await run.destroy({ keepWork: process.env.SWARMTUBE_KEEP_TEST_DATA === '1' });
    assert.deepEqual(await run.present(), [], `every namespace of ${made} removed`);
    if (failures.length > 0) console.error(failures.join('\n'));
  });

  test('the network: every host reaches the backbone, the homes go out through their NAT, and nothing routes outside', async () => {
    assert.ok(run);
    // A server on the client host that answers with the address it sees.
    const echo = run.spawn(net.client, 'echo server', process.execPath, ['-e', "require('node:http').createServer((q, s) => s.end(q.socket.remoteAddress)).listen(8080, '0.0.0.0')"]);
    helpers.push(echo);
    const waitForServer = async (ns: string) => {
      for (let attempt = 0; attempt < 50; attempt++) {
        const result = await run!.exec(ns, 'curl', ['-sS', '--max-time', '2', 'http://127.0.0.1:8081/'], { allowFailure: true });
        if (result.code === 0) return result.stdout;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return 'no answer';
    };
    const seenFrom = async (ns: string) => {
      for (let attempt = 0; ; attempt++) {
        const result = await run!.exec(ns, 'curl', ['-sS', '--max-time', '3', `http://${CLIENT_ADDRESS}:8080/`], { allowFailure: true });
        if (result.code === 0) return result.stdout;
        if (attempt > 40 || echo.exited()) throw new Error(`no answer from the echo server: ${result.stderr} ${echo.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    for (const [i, ns] of net.pods.entries()) assert.equal(await seenFrom(ns), `10.77.0.${11 + i}`, `pod ${i + 1} reaches the client with its own address`);
    for (const home of net.homes) {
      assert.equal(await seenFrom(home.viewer), home.publicAddress, `viewer ${home.name} is seen as its router's address (NAT)`);
    }
    const [a, b] = net.homes;
    // Servers inside both homes: out of reach from the other home and from the backbone.
    for (const home of net.homes) {
      helpers.push(run.spawn(home.viewer, `server in home ${home.name}`, process.execPath, ['-e', "require('node:http').createServer((q, s) => s.end('in')).listen(8081, '0.0.0.0')"]));
    }
    const get = (ns: string, url: string) => run!.exec(ns, 'curl', ['-sS', '--max-time', '2', '--retry', '0', url], { allowFailure: true });
    assert.equal(await waitForServer(b.viewer), 'in', "home B's server runs");
    assert.notEqual((await get(a.viewer, `http://${b.viewerAddress}:8081/`)).code, 0, "viewer A cannot reach into home B's LAN");
    assert.notEqual((await get(net.client, `http://${a.viewerAddress}:8081/`)).code, 0, "the backbone cannot reach into home A's LAN");
    assert.notEqual((await get(net.client, `http://${a.publicAddress}:8081/`)).code, 0, 'a connection to a home router is not forwarded in');
    // No way out: no namespace has a route beyond the backbone.
    for (const ns of [...net.pods, net.turn, net.client, a.router, b.router]) {
      const route = await run.exec(ns, 'ip', ['route', 'get', '192.0.2.1'], { allowFailure: true });
      assert.notEqual(route.code, 0, `${ns} has no route outside the small internet: ${route.stdout}`);
    }
    await Promise.all(helpers.map((helper) => helper.stop()));
  });

  test("pod 1 over HTTPS behind the repository's nginx site: TLS from the test's CA, HTTP redirected, the pod's own port closed to the network", async () => {
    assert.ok(run);
    const ns = net.pods[0];
    const host = POD_NAMES[0];
    const certificate = await ca.issue(host);
    // What the admin's firewall does (docs/deploy.md): TCP 9000 only for nginx on the host.
    await run.nft(ns, `table inet pod {\n chain input { type filter hook input priority filter; policy accept; iifname "lo" accept; tcp dport ${POD_PORT} drop; }\n}`);
    nginxes.push(await startNginx(run, ns, join(run.work, host, 'nginx'), {
      host, certPath: certificate.certPath, keyPath: certificate.keyPath, upstream: `127.0.0.1:${POD_PORT}`, uploadMaxBytes: UPLOAD_MAX_BYTES, acmeRoot: join(run.work, host, 'acme'),
    }));
    pods.push(await startPod(run, { ns, name: 'Pod 1', host, publicUrl: `https://${host}`, caPath: ca.certPath, env: { SWARMTUBE_UPLOADS_MAX_BYTES: String(UPLOAD_MAX_BYTES) } }));

    const config = await client.expect<{ name: string; host: string }>(200, `https://${host}/api/v1/config`);
    assert.equal(config.name, 'Pod 1');
    const plain = await client.request(`http://${host}/videos/watch/x?y=1`);
    assert.equal(plain.status, 301);
    assert.equal(plain.headers.location, `https://${host}/videos/watch/x?y=1`);
    const direct = await run.exec(net.client, 'curl', ['-sS', '--max-time', '2', `http://${host}:${POD_PORT}/api/v1/config`], { allowFailure: true });
    assert.notEqual(direct.code, 0, "the pod's HTTP port is closed to the network");
    // A certificate for another name is refused by the client (verification is on).
    const wrongName = await run.exec(net.client, 'curl', ['-sS', '--cacert', ca.certPath, '--max-time', '5', '--resolve', `other.swarm.test:443:10.77.0.11`, 'https://other.swarm.test/'], { allowFailure: true });
    assert.notEqual(wrongName.code, 0, 'a certificate for another name is refused');
    const token = await client.expect<{ access_token: string }>(200, `https://${host}/api/v1/users/token`, { method: 'POST', json: { username: 'root', password: ADMIN_PASSWORD } });
    assert.ok(token.access_token);
  });
});
