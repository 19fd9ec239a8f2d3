import { multikeyDocument } from '../../../../../libs/event-envelope/src/multikey.js';
import { PodUrls } from '../../../../../libs/contracts/src/pod-urls.js';
import type { PodRuntime } from '../../pod-runtime.js';

export const ACTIVITY_JSON = 'application/activity+json';
export const ACTOR_USERNAME = 'pod';

/** The pod's URLs, from its public URL (libs/contracts/src/pod-urls.ts). */
export function podUrls(publicUrl: string): PodUrls {
  return new PodUrls(publicUrl);
}

/**
 * The pod's ActivityPub actor: an Application (like PeerTube's instance actor) with the
 * RSA key for HTTP Signatures as `publicKey` (Mastodon, PeerTube) and the Ed25519 key that
 * signs events as a Multikey in `assertionMethod` (FEP-521a).
 */
export function actorDocument(runtime: PodRuntime): Record<string, unknown> {
  const urls = podUrls(runtime.config.publicUrl);
  return {
    '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1', 'https://w3id.org/security/multikey/v1'],
    id: urls.actor,
    type: 'Application',
    preferredUsername: ACTOR_USERNAME,
    name: runtime.config.name,
    summary: `Swarmtube pod at ${runtime.config.host}`,
    url: urls.base,
    inbox: urls.inbox,
    outbox: urls.outbox,
    endpoints: { sharedInbox: urls.inbox },
    publicKey: { id: urls.rsaKeyId, owner: urls.actor, publicKeyPem: runtime.keys.rsa.publicKeyPem },
    assertionMethod: [multikeyDocument(urls.actor, runtime.keys.ed25519.publicKey)],
  };
}
