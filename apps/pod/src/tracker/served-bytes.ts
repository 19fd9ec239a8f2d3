/** How the seeder reached a peer (webtorrent's wire types, grouped). */
export type SeederProtocol = 'tcp' | 'utp' | 'webrtc';

export const SEEDER_PROTOCOLS: readonly SeederProtocol[] = ['tcp', 'utp', 'webrtc'];

/** Bytes of one video's file (or of all) sent by the web seed and by the seeder, per protocol. */
export interface SentBytes {
  webSeed: number;
  tcp: number;
  utp: number;
  webrtc: number;
}

function none(): SentBytes {
  return { webSeed: 0, tcp: 0, utp: 0, webrtc: 0 };
}

/**
 * What the pod sent of its videos' files: the web seed (HTTP responses, bytes handed to the
 * socket) and the seeder (BitTorrent piece payloads), in all and per video. Plain numbers
 * added to on the hot paths (a Map lookup per 16-64 KiB written); /metrics reads them when
 * scraped, so serving a byte never touches prom-client.
 *
 * Per video only for the videos of the TrackerRegistry (which owns this): the pod's own
 * published videos (and whatever else it seeds), never an arbitrary name from a URL. A video
 * leaves with its registry entry (deleted, unseeded), and its series leaves /metrics with it:
 * the label's cardinality is the number of videos the pod serves now. `all` keeps counting
 * everything, deleted videos included, so that rates over the totals never drop.
 */
export class ServedBytes {
  readonly all: SentBytes = none();
  private readonly byUuid = new Map<string, SentBytes>();
  private readonly byInfoHash = new Map<string, SentBytes>();

  track(uuid: string, infoHash: string): void {
    const sent = this.byUuid.get(uuid) ?? none();
    this.byUuid.set(uuid, sent);
    this.byInfoHash.set(infoHash.toLowerCase(), sent);
  }

  untrack(uuid: string, infoHash: string): void {
    this.byUuid.delete(uuid);
    this.byInfoHash.delete(infoHash.toLowerCase());
  }

  /** The tally of a video the pod serves, by uuid; undefined for anything else. */
  ofVideo(uuid: string): SentBytes | undefined {
    return this.byUuid.get(uuid);
  }

  /** The seeder sent `bytes` of a piece of `infoHash` (lower-case hex) to a peer over `protocol`. */
  seeded(infoHash: string, protocol: SeederProtocol, bytes: number): void {
    this.all[protocol] += bytes;
    const sent = this.byInfoHash.get(infoHash);
    if (sent) sent[protocol] += bytes;
  }

  videos(): IterableIterator<[string, SentBytes]> {
    return this.byUuid.entries();
  }
}
