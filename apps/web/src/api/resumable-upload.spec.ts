import { describe, expect, it } from 'vitest';
import { ApiError } from './http';
import { uploadVideoResumable } from './resumable-upload';
import { aVideoFile, answer, FakePod } from '@/test/fake-resumable-pod';

const fields = { name: 'A clip', description: '', tags: ['p2p'] };

describe('uploadVideoResumable', () => {
  it('sends the file chunk by chunk and gives the video the pod made', async () => {
    const pod = new FakePod();
    const file = aVideoFile(2500);
    const progress: number[] = [];
    const accepted = await uploadVideoResumable(file, fields, (loaded) => progress.push(loaded), { transport: pod.transport, chunkBytes: 1000, fixedChunks: true }).done;
    expect(accepted).toEqual({ uuid: 'u-1' });
    expect(pod.requests).toEqual(['POST', 'PUT bytes 0-999/2500', 'PUT bytes 1000-1999/2500', 'PUT bytes 2000-2499/2500']);
    expect(pod.bytes).toEqual(new Uint8Array(await file.arrayBuffer()));
    expect(progress.at(-1)).toBe(2500);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it("grows the chunks on a fast line, as the pod's rule says (8 MiB, then twice as much while they go fast)", async () => {
    const MiB = 1024 * 1024;
    const pod = new FakePod();
    let now = 0;
    // Each chunk takes 100 ms whatever its size: 80 MiB/s and more.
    const clock = () => (now += 50);
    const accepted = await uploadVideoResumable(aVideoFile(32 * MiB), fields, () => undefined, { transport: pod.transport, clock }).done;
    expect(accepted).toEqual({ uuid: 'u-1' });
    expect(pod.requests).toEqual(['POST', `PUT bytes 0-${8 * MiB - 1}/${32 * MiB}`, `PUT bytes ${8 * MiB}-${24 * MiB - 1}/${32 * MiB}`, `PUT bytes ${24 * MiB}-${32 * MiB - 1}/${32 * MiB}`]);
  });

  it('after a dropped connection asks the pod what it kept and goes on from there, the progress with it', async () => {
    const pod = new FakePod();
    pod.drops.set(1, 300); // the second chunk: 300 of its 1000 bytes arrive, then the connection drops
    pod.outages.add(3); // the first question after the drop fails too
    const file = aVideoFile(2500);
    const progress: number[] = [];
    const connection: unknown[] = [];
    const accepted = await uploadVideoResumable(file, fields, (loaded) => progress.push(loaded), {
      transport: pod.transport,
      chunkBytes: 1000, fixedChunks: true,
      retryDelaysMs: [1, 1, 1],
      onConnection: (state) => connection.push(state),
    }).done;
    expect(accepted).toEqual({ uuid: 'u-1' });
    expect(pod.requests).toEqual([
      'POST',
      'PUT bytes 0-999/2500',
      'PUT bytes 1000-1999/2500',
      'PUT bytes */2500',
      'PUT bytes */2500',
      'PUT bytes 1300-2299/2500',
      'PUT bytes 2300-2499/2500',
    ]);
    // Every byte once, in order.
    expect(pod.bytes).toEqual(new Uint8Array(await file.arrayBuffer()));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress).toContain(1300);
    expect(connection).toEqual([{ lost: true, attempt: 1, retryInMs: 1 }, { lost: true, attempt: 2, retryInMs: 1 }, { lost: false }]);
  });

  it('takes the offset of a 409 (a chunk the pod already had) and goes on', async () => {
    const pod = new FakePod();
    const file = aVideoFile(2000);
    pod.size = 2000;
    pod.bytes = new Uint8Array(await file.slice(0, 1000).arrayBuffer()); // the pod already holds the first half
    const accepted = await uploadVideoResumable(file, fields, () => undefined, { transport: pod.transport, chunkBytes: 1000, fixedChunks: true }).done;
    expect(accepted).toEqual({ uuid: 'u-1' });
    expect(pod.requests).toEqual(['POST', 'PUT bytes 0-999/2000', 'PUT bytes 1000-1999/2000']);
  });

  it("shows the pod's refusal, and gives up after its attempts when the pod stays unreachable", async () => {
    const refused = new FakePod();
    refused.initAnswer = answer(413, {}, { code: 'payload-too-large', detail: 'the video is 2500 bytes; this pod takes videos of at most 1000 bytes' });
    const error = await uploadVideoResumable(aVideoFile(2500), fields, () => undefined, { transport: refused.transport }).done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('payload-too-large');
    expect((error as ApiError).message).toContain('at most 1000 bytes');

    const gone = new FakePod();
    for (let i = 1; i < 10; i++) gone.outages.add(i);
    const lost = await uploadVideoResumable(aVideoFile(2500), fields, () => undefined, { transport: gone.transport, chunkBytes: 1000, fixedChunks: true, retryDelaysMs: [1, 1] }).done.catch((e: unknown) => e);
    expect((lost as ApiError).code).toBe('network');
    expect(gone.requests).toEqual(['POST', 'PUT bytes 0-999/2500', 'PUT bytes */2500', 'PUT bytes */2500']);
  });

  it('cancelled: stops and tells the pod to drop the bytes', async () => {
    const pod = new FakePod();
    pod.outages.add(1);
    const upload = uploadVideoResumable(aVideoFile(2500), fields, () => undefined, { transport: pod.transport, chunkBytes: 1000, fixedChunks: true, retryDelaysMs: [60_000] });
    await expect.poll(() => pod.requests.length).toBe(2);
    upload.abort();
    await expect(upload.done).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => pod.deleted).toBe(true);
  });
});
