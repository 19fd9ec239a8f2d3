import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { VideoDto } from '@swarmtube/contracts';
import { waitUntil, type PodProcess } from '@swarmtube/testing';

/** The video API as a user of a pod sees it. */

/** A video as the API shows it: published (the read model's VideoDto) or, on its origin, a local upload still processing or failed. */
export type VideoView = Omit<VideoDto, 'state'> & {
  state: 'processing' | 'published' | 'failed';
  progress?: number;
  error?: { code: string; message: string } | null;
};

/** POST /api/v1/videos/upload, multipart, the file streamed from disk. */
export async function uploadVideo(
  pod: { baseUrl: string },
  token: string,
  path: string,
  fields: { name: string; description?: string; tags?: string[] },
  type = 'video/mp4',
): Promise<{ uuid: string }> {
  const form = new FormData();
  form.set('name', fields.name);
  if (fields.description !== undefined) form.set('description', fields.description);
  for (const tag of fields.tags ?? []) form.append('tags', tag);
  form.set('videofile', await openAsBlob(path, { type }), basename(path));
  const response = await fetch(`${pod.baseUrl}/api/v1/videos/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = await response.text();
  assert.equal(response.status, 201, `upload: ${body}`);
  return JSON.parse(body) as { uuid: string };
}

export async function getVideo(pod: { baseUrl: string; name?: string }, uuid: string): Promise<VideoView> {
  const response = await fetch(`${pod.baseUrl}/api/v1/videos/${uuid}`);
  const body = await response.text();
  assert.equal(response.status, 200, `${pod.name ?? pod.baseUrl}: GET video ${uuid}: ${body}`);
  return JSON.parse(body) as VideoView;
}

/** Polls the video until its state is `state`; fails at once if it reaches another final state. */
export async function waitForState(pod: PodProcess | { baseUrl: string; name?: string }, uuid: string, state: 'published' | 'failed', timeoutMs = 60_000): Promise<VideoView> {
  return waitUntil(`video ${uuid} to be ${state}`, async () => {
    const video = await getVideo(pod, uuid);
    if (video.state === state) return video;
    if (video.state !== 'processing') assert.fail(`video ${uuid} is ${video.state}, not ${state}: ${JSON.stringify(video.error)}`);
    return undefined;
  }, timeoutMs, 50);
}
