import { describe, expect, it } from 'vitest';
import { seederPeerId } from '../../../../libs/contracts/src/browser.js';
import { SourceClassifier } from './source-classifier';
import { HISTORY_LENGTH, SwarmMeter } from './swarm-meter';

class FakeWire {
  private readonly listeners = new Map<string, Array<(bytes: number) => void>>();
  constructor(
    readonly type: string,
    readonly peerId = '2d5757303330302d' + '00'.repeat(12),
  ) {}
  on(event: string, listener: (bytes: number) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, bytes: number): void {
    for (const listener of this.listeners.get(event) ?? []) listener(bytes);
  }
}

const random = new Uint8Array(6).fill(7);
const ORIGIN = 'http://127.0.0.1:9003';

describe('SwarmMeter', () => {
  it("counts bytes by source: other viewers, the origin's seeder, its web seed, mirrors; and keeps counting after wires close", async () => {
    let now = 0;
    const classifier = new SourceClassifier(`${ORIGIN}/static/web-videos/a.mp4`);
    classifier.addMirror('http://127.0.0.1:9004');
    await classifier.addWebSeeds([`${ORIGIN}/static/web-videos/a.mp4`]);
    const meter = new SwarmMeter(classifier, () => now);
    const viewer = new FakeWire('webrtc');
    const originSeeder = new FakeWire('webrtc', seederPeerId(ORIGIN, random));
    const mirrorSeeder = new FakeWire('webrtc', seederPeerId('http://127.0.0.1:9004/', random));
    const unknownPod = new FakeWire('webrtc', seederPeerId('https://elsewhere.example', random));
    for (const wire of [viewer, viewer, originSeeder, mirrorSeeder, unknownPod]) meter.attach(wire); // viewer twice: counted once
    viewer.emit('download', 16384);
    viewer.emit('download', 16384);
    originSeeder.emit('download', 1000);
    mirrorSeeder.emit('download', 500);
    unknownPod.emit('download', 100);
    meter.countHttp(`${ORIGIN}/static/web-videos/a.mp4`, 2000);
    meter.countHttp('http://127.0.0.1:9004/static/web-videos/a.mp4', 50);
    meter.countHttpRequest();
    viewer.emit('upload', 500);
    now = 500;
    expect(meter.sample()).toEqual({ at: 500, fromViewers: 65536, fromPods: 7300, uploaded: 1000 });
    const figures = meter.figures([viewer, originSeeder, mirrorSeeder], 0.25, 'fetching');
    expect(figures).toMatchObject({ peers: 1, pods: 2, fromViewers: 32768, fromOriginSeeder: 1000, fromWebSeed: 2000, fromMirrors: 650, webSeedRequests: 1, uploaded: 500, progress: 0.25, webSeed: 'fetching' });
  });

  it("tells the origin's web seed connection apart by its peer id (the SHA-1 of its URL)", async () => {
    const url = `${ORIGIN}/static/web-videos/a.mp4`;
    const classifier = new SourceClassifier(url);
    await classifier.addWebSeeds([url, 'http://127.0.0.1:9004/static/web-videos/a.mp4']);
    const sha1 = async (text: string) => [...new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(classifier.roleOf({ type: 'webSeed', peerId: await sha1(url) })).toBe('origin');
    expect(classifier.roleOf({ type: 'webSeed', peerId: await sha1('http://127.0.0.1:9004/static/web-videos/a.mp4') })).toBe('mirror');
    expect(classifier.roleOf({ type: 'webrtc', peerId: 'ab'.repeat(20) })).toBe('viewer');
  });

  it('keeps a minute of history', () => {
    let now = 0;
    const meter = new SwarmMeter(undefined, () => now);
    for (let i = 0; i < HISTORY_LENGTH + 10; i++) {
      now += 1000;
      meter.sample();
    }
    const { history } = meter.figures([], 0, 'off');
    expect(history).toHaveLength(HISTORY_LENGTH);
    expect(history.at(-1)!.at).toBe((HISTORY_LENGTH + 10) * 1000);
  });
});
