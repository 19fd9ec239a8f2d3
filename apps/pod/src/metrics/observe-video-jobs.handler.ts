import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { VideoJobFinished } from '../videos/processing/video-job-finished.event.js';
import { PodMetrics } from './pod-metrics.js';

/** swarmtube_video_job_duration_seconds: how long uploads took to be published, or to fail. */
@EventsHandler(VideoJobFinished)
export class ObserveVideoJobsHandler implements IEventHandler<VideoJobFinished> {
  constructor(private readonly metrics: PodMetrics) {}

  handle({ state, seconds }: VideoJobFinished): void {
    this.metrics.videoJobDuration.observe({ state }, seconds);
  }
}
