import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import P2pPanel from './P2pPanel.vue';
import { emptyFigures, type SwarmFigures } from '@/p2p/swarm-meter';

function figures(overrides: Partial<SwarmFigures> = {}): SwarmFigures {
  return { ...emptyFigures(), ...overrides };
}

const text = (wrapper: ReturnType<typeof mount>, id: string) => wrapper.get(`[data-testid="${id}"]`).text();

describe('P2pPanel', () => {
  it('shows bytes from other viewers, the origin pod (seeder and web seed) and mirrors apart; the share counts viewers only', () => {
    const panel = mount(P2pPanel, {
      props: {
        p2p: true,
        mode: 'webtorrent',
        figures: figures({ peers: 2, pods: 1, fromViewers: 1_500_000, fromOriginSeeder: 300_000, fromWebSeed: 200_000, fromMirrors: 0, webSeedRequests: 3, uploaded: 2_345, progress: 0.5, webSeed: 'fetching' }),
      },
    });
    expect(text(panel, 'p2p-peers')).toBe('2');
    expect(text(panel, 'p2p-pods')).toBe('1');
    expect(text(panel, 'p2p-from-viewers')).toBe('1.5 MB');
    expect(text(panel, 'p2p-from-origin')).toBe('500 KB');
    expect(panel.get('[data-testid="p2p-from-origin"]').attributes('data-seeder')).toBe('300000');
    expect(text(panel, 'p2p-from-webseed')).toBe('200 KB');
    expect(panel.get('[data-testid="p2p-from-webseed"]').attributes('data-requests')).toBe('3');
    expect(text(panel, 'p2p-from-mirrors')).toBe('0 B');
    expect(text(panel, 'p2p-uploaded')).toBe('2.3 KB');
    expect(text(panel, 'p2p-progress')).toBe('50 %');
    expect(text(panel, 'p2p-share')).toBe('75 %');
    expect(text(panel, 'p2p-webseed-state')).toBe('fetching a deadline');
    expect(text(panel, 'p2p-state')).toBe('P2P on');
    expect(panel.get('[data-testid="p2p-from-viewers"]').attributes('data-value')).toBe('1500000');
    expect(text(panel, 'p2p-first-frame')).toBe('–');
  });

  it("a viewer who got every byte from the origin's seeder reads 0 % from viewers, not 100 %", () => {
    const panel = mount(P2pPanel, { props: { p2p: true, mode: 'webtorrent', figures: figures({ pods: 1, fromOriginSeeder: 2_000_000, progress: 1, webSeed: 'standby' }) } });
    expect(text(panel, 'p2p-share')).toBe('0 %');
    expect(text(panel, 'p2p-from-origin')).toBe('2.0 MB');
  });

  it('shows when the first frame came, with how much of the file, and when playback started', async () => {
    const startup = { firstFrameMs: 420, firstFrameAt: 900, progress: 0.24, playingMs: null, playingAt: null };
    const panel = mount(P2pPanel, { props: { p2p: true, mode: 'webtorrent', figures: figures({ startup }) } });
    expect(text(panel, 'p2p-first-frame')).toBe('frame 0.4 s (24 %)');
    await panel.setProps({ figures: figures({ startup: { ...startup, playingMs: 1250, playingAt: 1730 } }) });
    expect(text(panel, 'p2p-first-frame')).toBe('frame 0.4 s (24 %), playing 1.3 s');
    expect(panel.get('[data-testid="p2p-first-frame"]').attributes('data-progress')).toBe('0.24');
  });

  it('says so when P2P is off, and offers no web-seed button then', () => {
    const panel = mount(P2pPanel, { props: { p2p: false, mode: 'webtorrent', figures: figures({ webSeed: 'active', fromWebSeed: 10 }) } });
    expect(text(panel, 'p2p-state')).toBe('web seed only');
    expect(panel.text()).toContain('your address is not shared with the swarm');
    expect(text(panel, 'p2p-share')).toBe('0 %');
    expect(panel.find('button').exists()).toBe(false);
  });

  it('offers the web seed while it is on standby, and emits when asked', async () => {
    const panel = mount(P2pPanel, { props: { p2p: true, mode: 'webtorrent', figures: figures({ webSeed: 'standby' }) } });
    expect(text(panel, 'p2p-share')).toBe('–');
    expect(text(panel, 'p2p-webseed-state')).toBe('for deadlines only');
    await panel.get('button').trigger('click');
    expect(panel.emitted('use-web-seed')).toHaveLength(1);
  });

  it('draws one line per series, scaled to the peak, with a text summary for screen readers', () => {
    const history = [
      { at: 0, fromViewers: 0, fromPods: 1000, uploaded: 0 },
      { at: 500, fromViewers: 4000, fromPods: 0, uploaded: 2000 },
    ];
    const panel = mount(P2pPanel, { props: { p2p: true, mode: 'webtorrent', figures: figures({ history }) } });
    const lines = panel.findAll('polyline');
    expect(lines.map((line) => line.attributes('data-series'))).toEqual(['fromViewers', 'fromPods', 'uploaded']);
    const peers = lines[0].attributes('points')!.split(' ').map((point) => point.split(',').map(Number));
    expect(peers).toHaveLength(2);
    expect(peers[1][0]).toBe(240); // the latest sample on the right edge
    expect(peers[1][1]).toBeCloseTo(2); // the peak at the top
    expect(panel.get('svg').attributes('aria-label')).toContain('4.0 KB/s from viewers');
  });
});
