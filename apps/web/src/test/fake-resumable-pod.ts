import type { Exchange, ExchangeRequest, Transport } from '@/api/resumable-upload';

/**
 * A pod that speaks the resumable protocol in memory, and can drop the connection of a chunk
 * after some of its bytes (it keeps those, as the real pod does), or fail a whole request.
 */
export class FakePod {
  bytes: Uint8Array = new Uint8Array(0);
  size = 0;
  requests: string[] = [];
  /** PUTs of data to cut: the n-th data PUT (0-based) keeps `keep` bytes and fails. */
  drops = new Map<number, number>();
  /** Requests (any, 0-based) that fail outright with status 0. */
  outages = new Set<number>();
  initAnswer: Exchange | null = null;
  /** When set, questions for the offset wait for it (to look at a client while its connection is lost). */
  hold: Promise<void> | null = null;
  deleted = false;
  private dataPuts = 0;

  readonly transport: Transport = async (request: ExchangeRequest) => {
    const index = this.requests.length;
    const range = request.headers['Content-Range'] ?? '';
    this.requests.push(`${request.method}${range ? ` ${range}` : ''}`);
    await Promise.resolve();
    if (this.outages.has(index)) return answer(0);
    if (request.method === 'POST') {
      if (this.initAnswer) return this.initAnswer;
      this.size = Number(request.headers['X-Upload-Content-Length']);
      return answer(201, { Location: 'http://pod.test/api/v1/videos/upload-resumable?upload_id=abc' }, { uploadId: 'abc', offset: 0, size: this.size });
    }
    if (request.method === 'DELETE') {
      this.deleted = true;
      return answer(204);
    }
    const status = /^bytes \*\/(\d+)$/.exec(range);
    if (status) {
      await this.hold;
      return this.held();
    }
    const [, first, last] = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range)!.map(Number);
    if (first !== this.bytes.length) return answer(409, this.rangeOf(), { code: 'upload-offset-mismatch', offset: this.bytes.length });
    const body = new Uint8Array(await (request.body as Blob).arrayBuffer());
    const drop = this.drops.get(this.dataPuts++);
    const kept = drop === undefined ? body : body.subarray(0, drop);
    request.onProgress?.(kept.length);
    this.bytes = concat(this.bytes, kept);
    if (drop !== undefined) return answer(0);
    if (last + 1 === this.size) return answer(200, {}, { uuid: 'u-1', video: { uuid: 'u-1' } });
    return this.held();
  };

  private held(): Exchange {
    return answer(308, this.rangeOf(), { offset: this.bytes.length, size: this.size });
  }

  private rangeOf(): Record<string, string> {
    return this.bytes.length > 0 ? { Range: `bytes=0-${this.bytes.length - 1}` } : {};
  }
}

export function answer(status: number, headers: Record<string, string> = {}, body: unknown = null): Exchange {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { status, header: (name) => lower[name.toLowerCase()] ?? null, body };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function aVideoFile(size: number): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + 3) % 251;
  return new File([bytes], 'clip.mp4', { type: 'video/mp4' });
}

