import { computed, onScopeDispose, ref } from 'vue';
import { errorMessage, isAbort, type UploadHandle } from '@/api/http';
import type { ResumableOptions } from '@/api/resumable-upload';
import { fetchVideo, uploadVideo, type UploadFields } from '@/api/videos.api';
import type { UploadAccepted, VideoOrUpload } from '@/api/types';

export type UploadPhase = 'idle' | 'uploading' | 'processing' | 'published' | 'failed';

export interface UploadDependencies {
  upload: (file: File, fields: UploadFields, onProgress: (loaded: number, total: number) => void, options?: Pick<ResumableOptions, 'onConnection'>) => UploadHandle<UploadAccepted>;
  fetchVideo: (uuid: string) => Promise<VideoOrUpload>;
  pollMs: number;
}

const defaults: UploadDependencies = { upload: uploadVideo, fetchVideo: (uuid) => fetchVideo(uuid), pollMs: 400 };

/**
 * One upload, in two measured phases: the transfer (the resumable upload's progress: bytes
 * the pod holds plus those of the chunk under way; while the connection is lost,
 * `reconnecting` says when the next attempt is, and the bar goes on from what the pod kept) and then the pod's processing (GET /api/v1/videos/{uuid}
 * polled until the state is `published` or `failed`, with its progress and step).
 */
export function useUpload(dependencies: Partial<UploadDependencies> = {}) {
  const deps = { ...defaults, ...dependencies };
  const phase = ref<UploadPhase>('idle');
  const sent = ref(0);
  const total = ref(0);
  const processing = ref(0);
  const step = ref('');
  const error = ref<string | null>(null);
  const errorCode = ref<string | null>(null);
  const uuid = ref<string | null>(null);
  /** Set while the connection is lost: the attempt and when it is made. */
  const reconnecting = ref<{ attempt: number; retryAt: number } | null>(null);
  let handle: UploadHandle<UploadAccepted> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const transferRatio = computed(() => (total.value > 0 ? Math.min(1, sent.value / total.value) : 0));
  const busy = computed(() => phase.value === 'uploading' || phase.value === 'processing');

  function fail(reason: unknown): void {
    phase.value = 'failed';
    error.value = errorMessage(reason);
    errorCode.value = (reason as { code?: string })?.code ?? null;
  }

  async function start(file: File, fields: UploadFields): Promise<void> {
    if (busy.value) return;
    phase.value = 'uploading';
    sent.value = 0;
    total.value = file.size;
    processing.value = 0;
    step.value = '';
    error.value = null;
    errorCode.value = null;
    uuid.value = null;
    reconnecting.value = null;
    handle = deps.upload(
      file,
      fields,
      (loaded, all) => {
        sent.value = loaded;
        total.value = all;
      },
      { onConnection: (state) => (reconnecting.value = state.lost ? { attempt: state.attempt, retryAt: Date.now() + state.retryInMs } : null) },
    );
    let accepted: UploadAccepted;
    try {
      accepted = await handle.done;
    } catch (reason) {
      if (isAbort(reason)) {
        phase.value = 'idle';
        return;
      }
      return fail(reason);
    } finally {
      handle = null;
      reconnecting.value = null;
    }
    sent.value = total.value;
    uuid.value = accepted.uuid;
    phase.value = 'processing';
    await poll();
  }

  async function poll(): Promise<void> {
    if (disposed || phase.value !== 'processing' || !uuid.value) return;
    try {
      const video = await deps.fetchVideo(uuid.value);
      if (disposed) return;
      if (video.state === 'published') {
        processing.value = 1;
        step.value = 'published';
        phase.value = 'published';
        return;
      }
      if (video.state === 'failed') {
        processing.value = video.progress;
        step.value = video.step;
        return fail(Object.assign(new Error(video.error?.message ?? 'processing failed'), { code: video.error?.code }));
      }
      processing.value = video.progress;
      step.value = video.step;
      error.value = null;
    } catch (reason) {
      // A transient error while polling: keep trying, but say so.
      error.value = `Could not check the processing: ${errorMessage(reason)}`;
    }
    timer = setTimeout(() => void poll(), deps.pollMs);
  }

  function cancel(): void {
    handle?.abort();
  }

  function reset(): void {
    if (busy.value) return;
    phase.value = 'idle';
    error.value = null;
    errorCode.value = null;
    uuid.value = null;
  }

  onScopeDispose(() => {
    disposed = true;
    handle?.abort();
    if (timer) clearTimeout(timer);
  });

  return { phase, sent, total, transferRatio, processing, step, error, errorCode, uuid, reconnecting, busy, start, cancel, reset };
}
