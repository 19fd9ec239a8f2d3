import { mount, RouterLinkStub } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import VideoCard from './VideoCard.vue';
import { aVideo } from '@/test/fixtures';

function render(video = aVideo()) {
  return mount(VideoCard, { props: { video }, global: { stubs: { RouterLink: RouterLinkStub } } });
}

describe('VideoCard', () => {
  it('shows the thumbnail, the name, the duration and the origin pod, linking to the watch page', () => {
    const video = aVideo({ duration: 754 });
    const card = render(video);
    expect(card.get('img').attributes('src')).toBe(video.thumbnailUrl);
    expect(card.get('img').attributes('alt')).toBe('');
    expect(card.get('[data-testid="video-link"]').text()).toBe('Big Buck Bunny in the swarm');
    expect(card.get('[data-testid="duration"]').text()).toBe('12:34');
    expect(card.get('[data-testid="origin"]').text()).toBe('localhost:9003');
    const links = card.findAllComponents(RouterLinkStub);
    expect(links.map((link) => link.props('to'))).toEqual([`/videos/watch/${video.uuid}`, `/videos/watch/${video.uuid}`]);
    expect(card.text()).toContain('alice');
    expect(card.text()).toMatch(/3 minutes ago/);
  });

  it('marks a video of this pod, and only those', () => {
    expect(render(aVideo({ isLocal: true })).find('.badge').text()).toBe('this pod');
    expect(render(aVideo({ isLocal: false })).find('.badge').exists()).toBe(false);
  });

  it('says when mirrors serve a video whose origin is unreachable, and only then', () => {
    const mirror = { host: 'localhost:9002', torrentUrl: 'http://localhost:9002/static/torrents/x.torrent', trackers: [], webSeedUrls: [], thumbnailUrl: 'http://localhost:9002/static/thumbnails/x.jpg', mirroredAt: '2026-12-07T00:00:00.000Z', reachable: true };
    const served = render(aVideo({ originReachable: false, servedByMirrors: true, mirrors: [mirror] }));
    expect(served.get('[data-testid="served-by-mirrors"]').text()).toBe('served by mirrors');
    expect(served.get('[data-testid="served-by-mirrors"]').attributes('title')).toContain('localhost:9003 is unreachable');
    expect(render(aVideo({ mirrors: [mirror] })).find('[data-testid="served-by-mirrors"]').exists()).toBe(false);
  });

  it('formats hour-long durations and falls back when the thumbnail fails', async () => {
    const card = render(aVideo({ duration: 3725 }));
    expect(card.get('[data-testid="duration"]').text()).toBe('1:02:05');
    await card.get('img').trigger('error');
    expect(card.find('img').exists()).toBe(false);
    expect(card.find('.placeholder').exists()).toBe(true);
  });

  it("shows the first copy of the thumbnail the API lists (a mirror's while the origin is down), the next one when it fails", async () => {
    const mirrorCopy = 'http://localhost:9002/static/thumbnails/x.jpg';
    const originCopy = 'http://localhost:9003/static/thumbnails/x.jpg';
    const card = render(aVideo({ originReachable: false, servedByMirrors: true, thumbnailUrl: originCopy, thumbnailUrls: [mirrorCopy, originCopy] }));
    expect(card.get('img').attributes('src')).toBe(mirrorCopy);
    await card.get('img').trigger('error');
    expect(card.get('img').attributes('src')).toBe(originCopy);
    await card.get('img').trigger('error');
    expect(card.find('img').exists()).toBe(false);
    expect(card.find('.placeholder').exists()).toBe(true);
    // A new list (the page read again) starts from its first copy.
    await card.setProps({ video: aVideo({ thumbnailUrl: originCopy, thumbnailUrls: [originCopy, mirrorCopy] }) });
    expect(card.get('img').attributes('src')).toBe(originCopy);
  });

  it('keeps the thumbnail link out of the tab order so each card is one stop for keyboards', () => {
    const links = render().findAllComponents(RouterLinkStub);
    expect(links[0].attributes('tabindex')).toBe('-1');
    expect(links[1].attributes('tabindex')).toBeUndefined();
  });
});
