/** `http://host:port` of a pod from its actor URL (`http://host:port/federation/actor`). */
export function actorBase(actor: string): string {
  return actor.replace(/\/federation\/actor$/, '');
}
