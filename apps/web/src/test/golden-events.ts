// The signed golden examples of the event catalogue (events/<Type>/v1.example.json), signed
// by the pods' own code with keys derived from public seeds (see
// libs/contracts/src/events/golden-examples.unit.spec.ts): a second implementation to check
// the browser's verification against.
import type { EventEnvelope } from '@/api/types';
import expulsionVoteCast from '../../../../events/ExpulsionVoteCast/v1.example.json';
import friendshipAccepted from '../../../../events/FriendshipAccepted/v1.example.json';
import podJoined from '../../../../events/PodJoined/v1.example.json';
import videoPublished from '../../../../events/VideoPublished/v1.example.json';
import videoUpdated from '../../../../events/VideoUpdated/v1.example.json';

const clone = (value: unknown) => structuredClone(value) as EventEnvelope;

export const golden = {
  podJoined: () => clone(podJoined),
  friendshipAccepted: () => clone(friendshipAccepted),
  videoPublished: () => clone(videoPublished),
  videoUpdated: () => clone(videoUpdated),
  expulsionVoteCast: () => clone(expulsionVoteCast),
};

/** The Ed25519 private key of a golden example's origin: seed = SHA-256("swarmtube golden example <host>"). */
export async function goldenKeys(host: string): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey; raw: Uint8Array }> {
  const seed = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`swarmtube golden example ${host}`)));
  const pkcs8 = new Uint8Array([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed]);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const raw = Uint8Array.from(atob(jwk.x!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  const publicKey = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, true, ['verify']);
  return { privateKey, publicKey, raw };
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function encodeBase58(bytes: Uint8Array): string {
  const digits: number[] = [];
  for (const byte of bytes) {
    let carry = byte;
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i] << 8;
      digits[i] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let zeros = '';
  for (const byte of bytes) {
    if (byte !== 0) break;
    zeros += '1';
  }
  return zeros + digits.reverse().map((d) => ALPHABET[d]).join('');
}

/** Signs an envelope the way libs/event-envelope/src/proof.ts does (checked against the golden examples). */
export async function signAs(host: string, unsigned: Omit<EventEnvelope, 'proof'>, canonicalize: (value: unknown) => string): Promise<EventEnvelope> {
  const { privateKey } = await goldenKeys(host);
  const options = {
    type: 'DataIntegrityProof' as const,
    cryptosuite: 'eddsa-jcs-2022' as const,
    verificationMethod: `${unsigned.origin}#ed25519-key`,
    proofPurpose: 'assertionMethod' as const,
    created: '2026-11-25T17:00:00Z',
  };
  const hash = async (value: unknown) => new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalize(value))));
  const data = new Uint8Array([...(await hash(options)), ...(await hash(unsigned))]);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, data));
  return { ...unsigned, proof: { ...options, proofValue: 'z' + encodeBase58(signature) } };
}
