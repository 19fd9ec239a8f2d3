export interface SeedAnswer {
  seed: string;
  /** The active members the seed listed (not counting itself). */
  members: string[];
}

/**
 * The first PeerTube's rule: each answering seed vouches for itself and its members; keep the
 * hosts vouched for by more than half of the answers. Two groups that do not know each other
 * thus leave a newcomer who asks one pod of each with no friends rather than half a network.
 */
export function chooseFriends(answers: readonly SeedAnswer[]): string[] {
  const votes = new Map<string, number>();
  for (const answer of answers) {
    for (const host of new Set([answer.seed, ...answer.members])) votes.set(host, (votes.get(host) ?? 0) + 1);
  }
  return [...votes].filter(([, count]) => count > answers.length / 2).map(([host]) => host).sort();
}
