/**
 * A pod was expelled or readmitted: this pod recorded the outcome of a ballot or received
 * another's record (PodVotes). The health scores, delivery and pulls react to it.
 */
export class MembershipOutcomeRecorded {
  constructor(
    readonly target: string,
    readonly type: 'PodExpelled' | 'PodReadmitted',
  ) {}
}
