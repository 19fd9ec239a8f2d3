export { MediaError, type MediaErrorCode } from './media-error.js';
export { probeMedia, interpretProbe, type MediaProbe, type Container, type FfprobeOutput } from './probe-media.js';
export { planProcessing, choosePlan, type ProcessingPlan, type ProcessingAction, type OutputContainer } from './plan-processing.js';
export { convertVideo, conversionArgs, defaultTimeoutMs, type ConvertOptions } from './convert-video.js';
export { makeThumbnail, type ThumbnailOptions } from './make-thumbnail.js';
export { createProgressParser } from './ffmpeg-progress.js';
export { readMp4Layout, walkMp4Boxes, type Mp4Layout } from './mp4-layout.js';
export { readContainerLayout, type ContainerLayout } from './container-layout.js';
export { VIDEO_DEMUXERS } from './ffmpeg-input.js';
