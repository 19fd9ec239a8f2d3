import { describe, expect, it } from 'vitest';
import { HISTORY_LENGTH, SwarmMeter } from './swarm-meter';

class FakeWire {
  private readonly listeners = new Map<string, Array<(bytes: number) => void>>();
  constructor(readonly type: string) {}
  on(event: string, listener: (bytes: number) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, bytes: number): void {
    for (const listener of this.listeners.get(event) ?? []) listener(bytes);
  }
}

describe('SwarmMeter', () => {
  it('counts bytes by source and keeps counting after wires close', () => {
    let now = 0;
    const meter = new SwarmMeter(() => now);
    const peer = new FakeWire('webrtc');
    const seed = new FakeWire('webSeed');
    meter.attach(peer);
    meter.attach(peer); // twice: counted once
    meter.attach(seed);
    peer.emit('download', 16384);
    peer.emit('download', 16384);
    seed.emit('download', 1000);
    peer.emit('upload', 500);
    now = 500;
    const sample = meter.sample();
    expect(sample).toEqual({ at: 500, fromPeers: 65536, fromWebSeed: 2000, uploaded: 1000 });
    const figures = meter.figures([seed], 0.25, 'active');
    expect(figures).toMatchObject({ peers: 0, fromPeers: 32768, fromWebSeed: 1000, uploaded: 500, progress: 0.25, webSeed: 'active' });
    expect(meter.figures([peer, seed, new FakeWire('webrtc')], 0.25, 'active').peers).toBe(2);
  });

  it('keeps a minute of history', () => {
    let now = 0;
    const meter = new SwarmMeter(() => now);
    for (let i = 0; i < HISTORY_LENGTH + 10; i++) {
      now += 1000;
      meter.sample();
    }
    const { history } = meter.figures([], 0, 'off');
    expect(history).toHaveLength(HISTORY_LENGTH);
    expect(history.at(-1)!.at).toBe((HISTORY_LENGTH + 10) * 1000);
  });
});
