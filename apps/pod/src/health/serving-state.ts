/**
 * What PodLifecycle has started, for /readyz: the read models caught up at start (the videos
 * opened on them), the tracker listening, the seeder started, and whether the pod is stopping
 * (a stopping pod is not ready, so a load balancer stops sending it requests first).
 */
export class ServingState {
  caughtUp = false;
  trackerListening = false;
  seederStarted = false;
  stopping = false;
}
