/** An admin mirrors another pod's video on this pod (`POST /api/v1/videos/{uuid}/mirror`). */
export class MirrorVideoCommand {
  constructor(readonly uuid: string) {}
}

/** An admin stops mirroring it (`DELETE /api/v1/videos/{uuid}/mirror`). */
export class UnmirrorVideoCommand {
  constructor(readonly uuid: string) {}
}
