/**
 * WebTorrent's service worker (webtorrent/dist/sw.min.js, copied to /sw.min.js by the build):
 * it answers the <video> element's requests for /webtorrent/<infoHash>/<file> with the pieces
 * the page's WebTorrent client has, so playback starts before the download is complete.
 * It must be served from the root for scope `/`, and only works in a secure context
 * (https, or http on localhost/127.0.0.1).
 */
export const STREAM_WORKER_URL = '/sw.min.js';

export function streamWorkerSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && globalThis.isSecureContext === true;
}

let registering: Promise<ServiceWorkerRegistration> | null = null;

/** Registers the worker once, and resolves when it controls this page. */
export function registerStreamWorker(timeoutMs = 10_000): Promise<ServiceWorkerRegistration> {
  registering ??= (async () => {
    const container = navigator.serviceWorker;
    const registration = await container.register(STREAM_WORKER_URL, { scope: '/' });
    await withTimeout(container.ready, timeoutMs, 'the streaming service worker did not activate');
    // It claims its clients when it activates: wait for that on a first visit.
    if (!container.controller) {
      await withTimeout(
        new Promise<void>((resolve) => {
          container.addEventListener('controllerchange', () => resolve(), { once: true });
          if (container.controller) resolve();
        }),
        timeoutMs,
        'the streaming service worker did not take control of the page',
      );
    }
    return registration;
  })().catch((error: unknown) => {
    registering = null;
    throw error;
  });
  return registering;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
