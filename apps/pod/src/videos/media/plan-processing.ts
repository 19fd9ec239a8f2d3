import { readMp4Layout } from './mp4-layout.js';
import type { MediaProbe } from './probe-media.js';

export type ProcessingAction = 'keep' | 'remux' | 'transcode';
export type OutputContainer = 'mp4' | 'webm';

export interface ProcessingPlan {
  /** keep: publish the upload as it is; remux: copy the streams into a new container; transcode: re-encode. */
  action: ProcessingAction;
  container: OutputContainer;
  mimeType: 'video/mp4' | 'video/webm';
  extension: OutputContainer;
  /** Why, in words, for logs. */
  reason: string;
  /** What a conversion needs from the probe: progress is measured against the duration. */
  durationSeconds: number;
  videoStreamIndex: number;
  audioStreamIndex: number | null;
}

/** The H.264 profiles every browser decodes (not High 10, 4:2:2 or 4:4:4, which most refuse). */
const BROWSER_H264_PROFILES = new Set(['Constrained Baseline', 'Baseline', 'Main', 'High']);
const WEBM_VIDEO = new Set(['vp8', 'vp9', 'av1']);
const WEBM_AUDIO = new Set(['opus', 'vorbis']);
/** Containers whose H.264/AAC copies cleanly into MP4 (AVI and others lack reliable timestamps: they are re-encoded). */
const REMUXABLE_TO_MP4 = new Set(['mp4', 'mov', 'matroska']);

/**
 * Keep, remux or transcode: the least work that gives a file every browser plays and that
 * streams from its first bytes. Reads the MP4's box headers for the faststart check.
 */
export function planProcessing(probe: MediaProbe, path: string): ProcessingPlan {
  const needsLayout = probe.container === 'mp4' && mp4Playable(probe);
  return choosePlan(probe, { moovBeforeMdat: needsLayout ? (readMp4Layout(path)?.moovBeforeMdat ?? null) : null });
}

/** The decision itself, given the MP4 layout (null when unknown or not an MP4). */
export function choosePlan(probe: MediaProbe, layout: { moovBeforeMdat: boolean | null }): ProcessingPlan {
  const streams = { durationSeconds: probe.durationSeconds, videoStreamIndex: probe.video.index, audioStreamIndex: probe.audio?.index ?? null };
  const mp4 = (action: ProcessingAction, reason: string): ProcessingPlan => ({ action, container: 'mp4', mimeType: 'video/mp4', extension: 'mp4', reason, ...streams });
  const webm = (action: ProcessingAction, reason: string): ProcessingPlan => ({ action, container: 'webm', mimeType: 'video/webm', extension: 'webm', reason, ...streams });

  // Remuxing writes the duration (and an index) that a live-written file lacks.
  const keepable = probe.durationInHeader;
  if (mp4Playable(probe)) {
    if (probe.container === 'mp4' && layout.moovBeforeMdat === true && keepable) return mp4('keep', 'H.264/AAC MP4 with its index first');
    if (probe.container === 'mp4' && layout.moovBeforeMdat === true) return mp4('remux', 'H.264/AAC MP4 stating no duration: rewritten with one');
    if (probe.container === 'mp4') return mp4('remux', 'H.264/AAC MP4 with its index at the end: moved to the front');
    if (REMUXABLE_TO_MP4.has(probe.container)) return mp4('remux', `H.264/AAC in ${probe.container}: copied into MP4`);
  }
  if (webmPlayable(probe)) {
    if (probe.container === 'webm' && keepable) return webm('keep', `${probe.video.codec} WebM`);
    if (probe.container === 'webm') return webm('remux', `${probe.video.codec} WebM written live, stating no duration: rewritten with its duration and cues`);
    if (probe.container === 'matroska') return webm('remux', `${probe.video.codec} in Matroska: copied into WebM`);
  }
  return mp4('transcode', `${describe(probe)}: re-encoded to H.264/AAC MP4`);
}

function mp4Playable(probe: MediaProbe): boolean {
  const { video, audio } = probe;
  return (
    video.codec === 'h264' &&
    video.pixFmt === 'yuv420p' &&
    BROWSER_H264_PROFILES.has(video.profile ?? '') &&
    (audio === null || audio.codec === 'aac')
  );
}

function webmPlayable(probe: MediaProbe): boolean {
  const { video, audio } = probe;
  return WEBM_VIDEO.has(video.codec) && video.pixFmt === 'yuv420p' && (audio === null || WEBM_AUDIO.has(audio.codec));
}

function describe(probe: MediaProbe): string {
  const video = [probe.video.codec, probe.video.profile, probe.video.pixFmt].filter(Boolean).join(' ');
  return `${video}${probe.audio ? ` + ${probe.audio.codec}` : ''} in ${probe.container}`;
}
