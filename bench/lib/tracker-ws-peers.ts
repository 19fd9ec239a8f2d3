import WebSocket from 'ws';
import { benchInfoHashes, benchPeerId } from './tracker-swarms.js';

/**
 * Idle WebTorrent-style peers, in their own process:
 *   node dist/bench/lib/tracker-ws-peers.js <port> <count>
 * Each opens a WebSocket (the ws package: an independent implementation), announces
 * `started` into one of the bench's 1,000 swarms the way WebTorrent does (binary-string
 * info_hash and peer_id, one SDP-sized offer), and then stays connected and silent. Offers
 * relayed to it are read and dropped. Prints {"announced"} once every peer got its answer,
 * then stays until its parent disconnects.
 */

const [portArg, countArg] = process.argv.slice(2);
const port = Number(portArg);
const count = Number(countArg);
const hashes = benchInfoHashes().map((hash) => hash.toString('latin1'));
const sdp = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n${'a=candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host\r\n'.repeat(4)}`;
const sockets: WebSocket[] = [];
let announced = 0;
let failed = 0;
let settled = 0;
let next = 0;
const CONCURRENT_OPENS = 64;

function open(): void {
  if (next >= count) return;
  const n = next++;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/tracker/socket`, { perMessageDeflate: false });
  sockets.push(socket);
  let answered = false;
  socket.on('open', () => {
    socket.send(
      JSON.stringify({
        action: 'announce',
        info_hash: hashes[n % hashes.length],
        peer_id: benchPeerId(n).toString('latin1'),
        numwant: 1,
        uploaded: 0,
        downloaded: 0,
        left: n % 4 === 0 ? 0 : 1_000_000,
        event: 'started',
        offers: [{ offer: { type: 'offer', sdp }, offer_id: benchPeerId(count + n).toString('latin1') }],
      }),
    );
  });
  const settle = (ok: boolean): void => {
    if (answered) return;
    answered = true;
    if (ok) announced++;
    else failed++;
    settled++;
    if (settled % 5000 === 0) process.stderr.write(`  ${settled} peers announced\n`);
    if (settled === count) process.stdout.write(`${JSON.stringify({ announced, failed })}\n`);
    open();
  };
  socket.on('message', (data) => {
    if (answered) return;
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    if (message.offer !== undefined) return;
    settle(message['failure reason'] === undefined);
  });
  socket.on('error', (error) => {
    if (!answered) process.stderr.write(`peer ${n}: ${error.message}\n`);
    settle(false);
  });
  socket.on('close', () => settle(false));
}

for (let i = 0; i < CONCURRENT_OPENS; i++) open();
process.on('disconnect', () => process.exit(0));
