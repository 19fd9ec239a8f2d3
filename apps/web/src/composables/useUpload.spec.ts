import { afterEach, describe, expect, it, vi } from 'vitest';
import { effectScope } from 'vue';
import { ApiError } from '@/api/http';
import type { VideoOrUpload } from '@/api/types';
import { useUpload, type UploadDependencies } from './useUpload';
import { aVideo, anUpload } from '@/test/fixtures';

const file = new File([new Uint8Array(1000)], 'bunny.mp4', { type: 'video/mp4' });
const fields = { name: 'Bunny', description: '', tags: [] };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function setUp(overrides: Partial<UploadDependencies>) {
  const scope = effectScope();
  const upload = scope.run(() => useUpload({ pollMs: 5, ...overrides }))!;
  return { upload, scope };
}

afterEach(() => vi.useRealTimers());

describe('useUpload', () => {
  it('follows the transfer, then polls the processing until the video is published', async () => {
    let progress: (loaded: number, total: number) => void = () => undefined;
    const sent = deferred<{ uuid: string }>();
    const states: VideoOrUpload[] = [
      anUpload({ uuid: 'u1', progress: 0.25, step: 'probe' }),
      anUpload({ uuid: 'u1', progress: 0.75, step: 'thumbnail' }),
      aVideo({ uuid: 'u1' }),
    ];
    const fetchVideo = vi.fn(async () => states.shift()!);
    const { upload, scope } = setUp({
      upload: (_file, _fields, onProgress) => {
        progress = onProgress;
        return { done: sent.promise, abort: () => undefined };
      },
      fetchVideo,
    });
    const started = upload.start(file, fields);
    expect(upload.phase.value).toBe('uploading');
    progress(400, 1200);
    expect(upload.transferRatio.value).toBeCloseTo(1 / 3);
    progress(1200, 1200);
    sent.resolve({ uuid: 'u1' });
    await started;
    expect(upload.uuid.value).toBe('u1');
    await vi.waitFor(() => expect(upload.phase.value).toBe('published'), { timeout: 1000 });
    expect(upload.processing.value).toBe(1);
    expect(fetchVideo).toHaveBeenCalledTimes(3);
    expect(fetchVideo).toHaveBeenCalledWith('u1');
    scope.stop();
  });

  it("shows the pod's problem detail when the upload is refused", async () => {
    const { upload, scope } = setUp({
      upload: () => ({ done: Promise.reject(new ApiError(413, 'payload-too-large', 'the video is larger than this pod accepts (1000 bytes)')), abort: () => undefined }),
    });
    await upload.start(file, fields);
    expect(upload.phase.value).toBe('failed');
    expect(upload.error.value).toBe('the video is larger than this pod accepts (1000 bytes)');
    expect(upload.errorCode.value).toBe('payload-too-large');
    scope.stop();
  });

  it('reports a processing failure with its code and message', async () => {
    const { upload, scope } = setUp({
      upload: () => ({ done: Promise.resolve({ uuid: 'u2' }), abort: () => undefined }),
      fetchVideo: async () => anUpload({ uuid: 'u2', name: 'x', state: 'failed', progress: 0.1, step: 'probe', error: { code: 'not-a-video', message: 'no video stream in the file' } }),
    });
    await upload.start(file, fields);
    await vi.waitFor(() => expect(upload.phase.value).toBe('failed'));
    expect(upload.error.value).toBe('no video stream in the file');
    expect(upload.errorCode.value).toBe('not-a-video');
    scope.stop();
  });

  it('goes back to idle when the transfer is cancelled, and stops polling when disposed', async () => {
    const sent = deferred<{ uuid: string }>();
    const abort = vi.fn(() => sent.reject(new DOMException('cancelled', 'AbortError')));
    const { upload, scope } = setUp({ upload: () => ({ done: sent.promise, abort }) });
    const started = upload.start(file, fields);
    upload.cancel();
    await started;
    expect(abort).toHaveBeenCalled();
    expect(upload.phase.value).toBe('idle');
    expect(upload.error.value).toBeNull();

    const fetchVideo = vi.fn(async (): Promise<VideoOrUpload> => anUpload({ uuid: 'u3', name: 'x' }));
    const second = setUp({ upload: () => ({ done: Promise.resolve({ uuid: 'u3' }), abort: () => undefined }), fetchVideo });
    await second.upload.start(file, fields);
    second.scope.stop();
    const calls = fetchVideo.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(fetchVideo.mock.calls.length).toBe(calls);
    scope.stop();
  });
});
