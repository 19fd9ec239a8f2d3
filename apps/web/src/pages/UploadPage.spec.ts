import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import UploadPage from './UploadPage.vue';
import { aVideoFile, FakePod } from '@/test/fake-resumable-pod';
import { aVideo } from '@/test/fixtures';

const pod = vi.hoisted(() => ({ current: null as FakePod | null }));

// The page's own upload (the resumable one), against an in-memory pod instead of XMLHttpRequest.
vi.mock('@/api/videos.api', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/api/videos.api')>();
  const { uploadVideoResumable } = await import('@/api/resumable-upload');
  return {
    ...original,
    uploadVideo: (file: File, fields: never, onProgress: (loaded: number, total: number) => void, options: object = {}) =>
      uploadVideoResumable(file, fields, onProgress, {
        ...options,
        transport: pod.current!.transport,
        chunkBytes: 1000, fixedChunks: true,
        retryDelaysMs: [1],
      }),
    fetchVideo: async (uuid: string) => aVideo({ uuid, isLocal: true }),
  };
});

function percent(page: ReturnType<typeof mount>): number {
  return Number(page.get('[data-testid="transfer-progress-percent"]').text().replace(/\D/g, ''));
}

describe('UploadPage', () => {
  it('resumes a dropped upload by itself: the bar goes on from what the pod kept, then the video is published', async () => {
    pod.current = new FakePod();
    let reconnect!: () => void;
    // The pod answers the question for the offset only once the page has been looked at.
    pod.current.hold = new Promise((resolve) => (reconnect = resolve));
    pod.current.drops.set(1, 500); // the second chunk's connection drops after 500 of its 1000 bytes
    const page = mount(UploadPage, { global: { stubs: { RouterLink: RouterLinkStub } } });
    const input = page.get('[data-testid="file-input"]');
    Object.defineProperty(input.element, 'files', { value: [aVideoFile(3000)], configurable: true });
    await input.trigger('change');
    await page.get('form').trigger('submit');

    await vi.waitFor(() => expect(page.find('[data-testid="upload-reconnecting"]').exists()).toBe(true));
    expect(page.get('[data-testid="upload-reconnecting"]').text()).toContain('Connection lost');
    expect(percent(page)).toBe(50); // 1,500 of 3,000 bytes are on the pod
    expect(page.get('[data-testid="upload-progress"]').attributes('data-phase')).toBe('uploading');

    reconnect();
    await vi.waitFor(() => expect(page.find('[data-testid="upload-done"]').exists()).toBe(true));
    await flushPromises();
    expect(page.find('[data-testid="upload-reconnecting"]').exists()).toBe(false);
    expect(percent(page)).toBe(100);
    expect(pod.current.requests).toEqual(['POST', 'PUT bytes 0-999/3000', 'PUT bytes 1000-1999/3000', 'PUT bytes */3000', 'PUT bytes 1500-2499/3000', 'PUT bytes 2500-2999/3000']);
    expect(pod.current.bytes).toEqual(new Uint8Array(await aVideoFile(3000).arrayBuffer()));
    expect(page.findComponent(RouterLinkStub).props('to')).toMatch(/^\/videos\/watch\//);
  });
});
