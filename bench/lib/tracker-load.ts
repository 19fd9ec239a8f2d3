import net from 'node:net';
import { benchInfoHashes, benchPeerId, percentEncode } from './tracker-swarms.js';

/**
 * HTTP announce load, bounded, on loopback, in its own process (so it never shares the
 * measured server's CPU accounting):
 *   node dist/bench/lib/tracker-load.js <port> <seconds> <connections> <peersPerSwarm> <keep-alive|close> [populate]
 * Every request is an announce (compact=1, numwant=50) of one of swarms × peersPerSwarm
 * peers, a quarter of them seeders. "populate" sends each peer's `started` once, in order,
 * instead of random announces for a time. The same client runs against every server:
 * it keeps connections alive unless the server closes them, then reconnects; "close"
 * asks for one request per connection. Prints one JSON line.
 */

const [portArg, secondsArg, connectionsArg, peersArg, modeArg, populateArg] = process.argv.slice(2);
const port = Number(portArg);
const seconds = Number(secondsArg);
const connections = Number(connectionsArg);
const peersPerSwarm = Number(peersArg);
const close = modeArg === 'close';
const populate = populateArg === 'populate';

const hashes = benchInfoHashes().map(percentEncode);
const total = hashes.length * peersPerSwarm;
function request(n: number, event: string): Buffer {
  const swarm = n % hashes.length;
  const left = n % 4 === 0 ? 0 : 1_000_000;
  return Buffer.from(
    `GET /announce?info_hash=${hashes[swarm]}&peer_id=${percentEncode(benchPeerId(n))}&port=${10000 + (n % 50000)}` +
      `&uploaded=0&downloaded=0&left=${left}&compact=1&numwant=50${event} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
      `${close ? 'Connection: close\r\n' : ''}\r\n`,
    'latin1',
  );
}
const pool = populate ? [] : Array.from({ length: total }, (_, n) => request(n, ''));

let next = 0;
let done = 0;
let failures = 0;
let errors = 0;
let reconnects = 0;
let stopping = false;
let open = 0;
let serverCloses = false;
const started = Date.now();

/** Requests a closing server never answered: sent again first. */
const retry: Buffer[] = [];

function pick(): Buffer | null {
  const again = retry.pop();
  if (again !== undefined) return again;
  if (populate) return next < total ? request(next++, '&event=started') : null;
  return pool[(Math.random() * total) | 0];
}

function connection(): void {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  open++;
  let buffered: Buffer | null = null;
  let inFlight: Buffer | null = null;
  let served = 0;
  const send = (): void => {
    const req = pick();
    if (req === null || stopping) {
      socket.end();
      return;
    }
    inFlight = req;
    socket.write(req);
  };
  socket.on('connect', send);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const headEnd: number = buffered.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = buffered.toString('latin1', 0, headEnd);
      const match = /content-length: *(\d+)/i.exec(head);
      const length = match ? Number(match[1]) : 0;
      if (buffered.length < headEnd + 4 + length) return;
      const body = buffered.subarray(headEnd + 4, headEnd + 4 + length);
      if (body.indexOf('failure reason') >= 0) failures++;
      buffered = buffered.length === headEnd + 4 + length ? null : buffered.subarray(headEnd + 4 + length);
      done++;
      served++;
      inFlight = null;
      if (buffered !== null) continue;
      // A server that closes after each answer (opentracker) gets one request per connection.
      if (close || serverCloses) socket.end();
      else send();
      return;
    }
  });
  socket.on('error', () => {
    errors++;
  });
  socket.on('close', () => {
    open--;
    if (inFlight !== null) {
      if (served >= 1 && !close) serverCloses = true;
      reconnects++;
      retry.push(inFlight);
    }
    if (!stopping && !(populate && next >= total && retry.length === 0)) connection();
    else if (open === 0) finish();
  });
}

function finish(): void {
  const elapsed = (Date.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ done, failures, errors, reconnects, serverCloses, elapsed })}\n`);
  process.exit(0);
}

for (let i = 0; i < connections; i++) connection();
if (!populate) {
  setTimeout(() => {
    stopping = true;
  }, seconds * 1000);
}
// Bounded: whatever happens, the generator ends.
setTimeout(finish, (populate ? 120 : seconds + 10) * 1000).unref();
