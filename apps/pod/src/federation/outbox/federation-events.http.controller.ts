import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { integerParam } from '../../http/query-params.js';
import { ProblemError } from '../../http/problem.js';
import { POD_RUNTIME } from '../../pod-runtime.token.js';
import type { PodRuntime } from '../../pod-runtime.js';
import { ApiProblems } from '../../http/problem.openapi.js';
import { FederationEventsPageOpenApi, FederationOriginsOpenApi } from '../federation.openapi.js';
import { MAX_EVENT_BYTES, MAX_PULL_ANSWER_BYTES } from '../../../../../libs/contracts/src/federation/federation-limits.js';
import { fittingCount, utf8Bytes } from '../batches.js';

const MAX_PAGE = 500;
/** Read from the store this many at a time while a page fills up to its byte size. */
const READ_CHUNK = 100;

/**
 * `GET /federation/events?origin=ACTOR&after=N&limit=M&maxBytes=B`: the signed events of any
 * origin this pod holds, in originSeq order, as their exact bytes, at most M of them and at most
 * B bytes in all (at least one event, which always fits: federation-limits.ts); without
 * `origin`, the origins it holds and the last originSeq of each (what a peer compares with its
 * own to know what to pull).
 */
@ApiTags('federation')
@Controller('federation/events')
export class FederationEventsHttpController {
  constructor(@Inject(POD_RUNTIME) private readonly runtime: PodRuntime) {}

  @Get()
  @ApiOperation({ summary: 'Signed events of any origin, for peers to pull', description: 'With `origin`, its events after `after` in originSeq order, as their exact bytes; without, the origins this pod holds and the last originSeq of each.' })
  @ApiQuery({ name: 'origin', required: false, schema: { type: 'string', format: 'uri', maxLength: 500 }, description: 'An origin\'s actor URL.' })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0, default: 0 }, description: 'With origin: the originSeq to start after.' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 100 }, description: 'With origin: page size, in events.' })
  @ApiQuery({ name: 'maxBytes', required: false, schema: { type: 'integer', minimum: MAX_EVENT_BYTES, maximum: MAX_PULL_ANSWER_BYTES, default: MAX_PULL_ANSWER_BYTES }, description: 'With origin: the most the answer may weigh (bytes); the page is cut before, but holds at least one event.' })
  @ApiExtraModels(FederationEventsPageOpenApi, FederationOriginsOpenApi)
  @ApiOkResponse({ description: 'An origin\'s page of events, or the list of origins.', schema: { oneOf: [{ $ref: getSchemaPath(FederationEventsPageOpenApi) }, { $ref: getSchemaPath(FederationOriginsOpenApi) }] } })
  @ApiProblems('invalid-query')
  async list(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const store = this.runtime.store;
    if (query.origin === undefined) {
      const origins = (await store.origins()).map(({ origin, seq }) => ({ origin, lastSeq: seq }));
      response.type('application/json').send(JSON.stringify({ origins }));
      return;
    }
    if (typeof query.origin !== 'string' || query.origin.length > 500) throw new ProblemError('invalid-query', 'origin must be one actor URL');
    const after = integerParam(query.after, 'after', { min: 0, max: Number.MAX_SAFE_INTEGER, default: 0 });
    const limit = integerParam(query.limit, 'limit', { min: 1, max: MAX_PAGE, default: 100 });
    const maxBytes = integerParam(query.maxBytes, 'maxBytes', { min: MAX_EVENT_BYTES, max: MAX_PULL_ANSWER_BYTES, default: MAX_PULL_ANSWER_BYTES });
    const head = `{"origin":${JSON.stringify(query.origin)},"events":[`;
    // The widest `next` there can be frames the cut.
    const frame = utf8Bytes(head) + `],"next":${Number.MAX_SAFE_INTEGER}}`.length;
    const bodies: string[] = [];
    const seqs: number[] = [];
    const sizes: number[] = [];
    let bytes = frame;
    let last = after;
    // Read in chunks until the page is full by count or by bytes: a page of large events
    // never loads hundreds of them only to send a few.
    while (bodies.length < limit && bytes <= maxBytes) {
      const chunk = await store.readOrigin(query.origin, { after: last, limit: Math.min(READ_CHUNK, limit - bodies.length) });
      for (const stored of chunk) {
        const body = stored.body ?? JSON.stringify(stored.event);
        bodies.push(body);
        seqs.push(stored.event.originSeq);
        sizes.push(utf8Bytes(body));
        bytes += sizes[sizes.length - 1] + 1;
      }
      if (chunk.length === 0) break;
      last = chunk[chunk.length - 1].event.originSeq;
    }
    const count = fittingCount(sizes, maxBytes, frame);
    const page = bodies.slice(0, count);
    const next = count > 0 ? seqs[count - 1] : after;
    response.type('application/json').send(`${head}${page.join(',')}],"next":${next}}`);
  }
}
