import type { IncomingMessage, ServerResponse } from 'node:http';
import { bencode, type BValue } from '@swarmtube/torrent';
import type { TrackerCore } from './core.js';
import { failure, RATE_LIMITED, UNKNOWN_TORRENT, type TrackerFailure } from './failures.js';
import { parseAnnounceQuery, parseScrapeQuery, type AnnounceRequest } from './http-query.js';
import { formatCompactAddress, writeCompactPeer } from './ip.js';
import type { Swarm } from './swarm.js';

/** What a handler did, for the caller's logs and metrics (the answer is already sent). */
export type HttpOutcome = { readonly ok: true } | TrackerFailure;

export interface HttpHandlers {
  /** GET …/announce (BEP 3, BEP 23, BEP 7 peers6). Works with any Node http server (Express and Nest included). */
  handleAnnounce(req: IncomingMessage, res: ServerResponse): HttpOutcome;
  /** GET …/scrape (BEP 48). */
  handleScrape(req: IncomingMessage, res: ServerResponse): HttpOutcome;
}

const ADDRESS = Buffer.alloc(18);

/**
 * Every answer, failures included, is a bencoded dictionary with HTTP 200: BitTorrent
 * clients read `failure reason` from the body and treat other statuses as the tracker
 * being down (and retry harder).
 */
export function createHttpHandlers(core: TrackerCore<any>): HttpHandlers {
  const { options, registry, stats } = core;

  function handleAnnounce(req: IncomingMessage, res: ServerResponse): HttpOutcome {
    const outcome = announce(req, res);
    if (!outcome.ok) stats.announcesRefused.http++;
    return outcome;
  }

  function announce(req: IncomingMessage, res: ServerResponse): HttpOutcome {
    const address = core.clientAddress(req);
    if (address === undefined) {
      // The client is already gone: nothing to answer.
      res.destroy();
      return refuse(res, failure('invalidMessage', 'connection closed'), false);
    }
    const nowMs = core.now();
    if (!core.admit(address, nowMs)) return refuse(res, RATE_LIMITED);
    const request = parseAnnounceQuery(req.url ?? '', options.query);
    if (!request.ok) return refuse(res, request);
    const swarm = registry.swarmFor(request.infoHashHex);
    if (swarm === null) return refuse(res, UNKNOWN_TORRENT);
    const addressLength = writeCompactPeer(address, request.port, ADDRESS);
    if (addressLength === 0) return refuse(res, failure('invalidMessage', 'unusable source address'));
    const expires = Math.floor(nowMs / 1000) + options.peerTtl;
    const self = swarm.announce(request.peerId, ADDRESS, addressLength, request.seeder, request.event, expires);
    stats.announces.http++;
    const body = request.compact ? compactAnswer(swarm, request, self) : dictionaryAnswer(swarm, request, self);
    send(res, body);
    return OK;
  }

  function compactAnswer(swarm: Swarm<any>, request: AnnounceRequest, self: number): Buffer {
    const stopped = self < 0;
    const n4 = stopped ? 0 : Math.min(request.numwant, swarm.available(false, request.seeder, self));
    const n6 = stopped ? 0 : Math.min(request.numwant, swarm.available(true, request.seeder, self));
    const head =
      `d8:completei${swarm.seeders}e10:downloadedi${swarm.downloaded}e10:incompletei${swarm.leechers}e` +
      `8:intervali${options.interval}e12:min intervali${options.minInterval}e5:peers${n4 * 6}:`;
    const v6Head = n6 > 0 ? `6:peers6${n6 * 18}:` : '';
    const body = Buffer.allocUnsafe(head.length + n4 * 6 + v6Head.length + n6 * 18 + 1);
    let offset = body.write(head, 0, 'latin1');
    offset = swarm.copyPeers(false, request.seeder, self, n4, body, offset);
    if (n6 > 0) {
      offset += body.write(v6Head, offset, 'latin1');
      offset = swarm.copyPeers(true, request.seeder, self, n6, body, offset);
    }
    body[offset] = 0x65; // 'e'
    return body;
  }

  /** BEP 3's original form: a list of {ip, peer id, port}; the peer id is its exact 20 bytes. */
  function dictionaryAnswer(swarm: Swarm<any>, request: AnnounceRequest, self: number): Buffer {
    const peers: BValue[] = [];
    if (self >= 0) {
      for (const v6 of [false, true]) {
        const n = Math.min(request.numwant - peers.length, swarm.available(v6, request.seeder, self));
        for (const { list, slot } of swarm.pickPeers(v6, request.seeder, self, n)) {
          const offset = slot * list.stride;
          const port = (list.addrs[offset + list.stride - 2] << 8) | list.addrs[offset + list.stride - 1];
          const peer = new Map<string, BValue>([
            ['ip', formatCompactAddress(list.addrs, offset, list.stride)],
            ['port', port],
          ]);
          if (!request.noPeerId) peer.set('peer id', Buffer.from(list.ids[slot], 'latin1'));
          peers.push(peer);
        }
      }
    }
    return bencode({
      complete: swarm.seeders,
      downloaded: swarm.downloaded,
      incomplete: swarm.leechers,
      interval: options.interval,
      'min interval': options.minInterval,
      peers,
    });
  }

  function handleScrape(req: IncomingMessage, res: ServerResponse): HttpOutcome {
    const address = core.clientAddress(req);
    if (address === undefined) {
      res.destroy();
      return refuse(res, failure('invalidMessage', 'connection closed'), false);
    }
    if (!core.admit(address, core.now())) return refuse(res, RATE_LIMITED);
    const request = parseScrapeQuery(req.url ?? '', options.query);
    if (!request.ok) return refuse(res, request);
    // BEP 48: `files` maps each raw 20-byte info-hash (not its hex, not UTF-8 text) to its figures.
    const files = new Map<Uint8Array, BValue>();
    for (const hex of request.infoHashesHex) {
      const figures = registry.scrape(hex);
      if (figures !== null) files.set(Buffer.from(hex, 'hex'), figures);
    }
    if (files.size === 0) return refuse(res, UNKNOWN_TORRENT);
    stats.scrapes.http++;
    send(res, bencode({ files }));
    return OK;
  }

  function refuse(res: ServerResponse, outcome: TrackerFailure, answer = true): TrackerFailure {
    if (outcome.code !== 'rateLimited') core.count(outcome.code);
    if (answer) send(res, bencode({ 'failure reason': outcome.reason }));
    return outcome;
  }

  return { handleAnnounce, handleScrape };
}

const OK: HttpOutcome = { ok: true };

function send(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', String(body.length)]);
  res.end(body);
}
