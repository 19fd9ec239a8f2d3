import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { parseSignatureParams } from '@swarmtube/http-signatures';
import { headerValue } from '@swarmtube/http-signatures';
import type { HeaderRecord } from '@swarmtube/http-signatures';
import { ProblemError } from '../http/problem.js';
import { PeerDirectory } from './peer-directory.js';

/**
 * The actor a signed request claims to come from: the `keyId` of a draft-cavage `Signature`
 * header, or the `keyid` of an RFC 9421 `Signature-Input`, without its fragment. Null for an
 * unsigned request or one whose header does not parse.
 */
export function claimedSigner(headers: HeaderRecord): string | null {
  const input = headerValue(headers, 'signature-input');
  let keyId: string | undefined;
  if (input !== undefined) {
    keyId = /;\s*keyid="([^"]{1,500})"/i.exec(input)?.[1];
  } else {
    const signature = headerValue(headers, 'signature');
    if (signature === undefined) return null;
    const parsed = parseSignatureParams(signature);
    keyId = parsed.ok ? parsed.params.get('keyId') : undefined;
  }
  return keyId ? keyId.replace(/#.*$/, '') : null;
}

/**
 * Every signed request (inbox, pulls, probes, make-friends questions: any route) whose signer is
 * an expelled pod gets 403 `pod-expelled`, before anything else is done for it. The signature
 * is not verified first: refusing a request that only claims to come from an expelled pod harms
 * nobody but the claimant, and costs one primary-key lookup instead of an RSA verification.
 * Unsigned requests (the public API, the site) are not concerned.
 */
@Injectable()
export class ExpelledPodGuard implements CanActivate {
  constructor(private readonly peers: PeerDirectory) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const signer = claimedSigner(context.switchToHttp().getRequest<Request>().headers);
    if (signer === null) return true;
    if (await this.peers.isExpelled(signer)) {
      this.peers.refusedExpelled += 1;
      throw new ProblemError('pod-expelled', `${signer.slice(0, 200)} is expelled from this pod's network: its requests are refused until it is readmitted`);
    }
    return true;
  }
}
