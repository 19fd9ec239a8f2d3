import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import express, { type Request } from 'express';
import { preferredRepresentation } from './activity-negotiation.js';

/** A request as Express makes it, with only its headers: req.accepts reads nothing else. */
function withAccept(accept: string | undefined): Request {
  return Object.assign(Object.create(express.request) as Request, { headers: accept === undefined ? {} : { accept } });
}

describe('preferredRepresentation', () => {
  test('ActivityPub readers as they send Accept: PeerTube, Mastodon, the spec', () => {
    for (const accept of [
      'application/activity+json, application/ld+json',
      'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams", text/html;q=0.1',
      'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
      'application/ld+json',
    ]) {
      assert.equal(preferredRepresentation(withAccept(accept)), 'activity-json', accept);
    }
  });

  test('browsers, curl and clients that take anything get the site', () => {
    for (const accept of [undefined, '*/*', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'application/activity+json;q=0.5, text/html']) {
      assert.equal(preferredRepresentation(withAccept(accept)), 'html', String(accept));
    }
  });

  test('neither: null', () => {
    assert.equal(preferredRepresentation(withAccept('application/json')), null);
    assert.equal(preferredRepresentation(withAccept('image/png')), null);
  });
});
