import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { HTTP_STATUS_BY_CODE, type ProblemCode, type ProblemDocument } from './problem.js';

/** The name of the bearer security scheme (DocumentBuilder.addBearerAuth's and ApiBearerAuth's default). */
export const BEARER_SCHEME = 'bearer';
export const PROBLEM_JSON = 'application/problem+json';

/** The OpenAPI shape of ProblemDocument (problem.ts): RFC 9457 with a stable `code`. */
@ApiSchema({ name: 'Problem', description: 'RFC 9457 problem details, as application/problem+json. `code` is stable: the table is HTTP_STATUS_BY_CODE in apps/pod/src/http/problem.ts.' })
export class ProblemOpenApi implements ProblemDocument {
  [extension: string]: unknown;

  @ApiProperty({ description: '`urn:swarmtube:problem:<code>`', example: 'urn:swarmtube:problem:not-found' })
  type!: string;

  @ApiProperty({ description: 'The HTTP reason phrase of the status.', example: 'Not Found' })
  title!: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 })
  status!: number;

  @ApiProperty({ description: 'What went wrong, in words safe to show.', example: 'no such account' })
  detail!: string;

  @ApiProperty({ enum: Object.keys(HTTP_STATUS_BY_CODE), example: 'not-found' })
  code!: string;

  @ApiProperty({ description: "The request's id: the same as the X-Request-Id answer header and the pod's access log line (docs/operations.md, Logs).", example: '0195f3c2-8b1e-7c4a-9d2e-4f6a8b0c1d2e' })
  requestId!: string;

  @ApiPropertyOptional({ type: [String], description: 'Every problem found in the request (invalid-body, invalid-query), one per field.' })
  problems?: string[];

  @ApiPropertyOptional({ type: 'integer', description: 'rate-limited: seconds until the next attempt is counted again (also in Retry-After).' })
  retryAfterSeconds?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'payload-too-large on upload: the largest video this pod takes, in bytes.' })
  maxBytes?: number;
}

const HEADERS_BY_STATUS: Record<number, Record<string, { description: string; schema: { type: 'string' | 'integer' } }>> = {
  401: { 'WWW-Authenticate': { description: 'RFC 6750 challenge: `Bearer realm="swarmtube"`, with `error="invalid_token"` for a bad token.', schema: { type: 'string' } } },
  429: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } },
};

/**
 * Documents the problem+json answers a route can give, by code: one response per status,
 * whose `code` is the enum of the codes given. Codes must be in HTTP_STATUS_BY_CODE (checked
 * here, so a typo stops the pod from starting rather than documenting a code that never
 * comes). Use once per route: two uses would merge their descriptions for the same status.
 * Every route also gets 500 `internal` and 503 (see openapi.ts).
 */
export function ApiProblems(...codes: ProblemCode[]): MethodDecorator {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    if (!Object.hasOwn(HTTP_STATUS_BY_CODE, code)) throw new Error(`ApiProblems: unknown problem code "${code}" (not in HTTP_STATUS_BY_CODE)`);
    const status = HTTP_STATUS_BY_CODE[code];
    const list = byStatus.get(status) ?? [];
    if (!list.includes(code)) list.push(code);
    byStatus.set(status, list);
  }
  return applyDecorators(...[...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => ApiResponse(problemResponse(status, list))));
}

/** The response object of a problem+json answer with these codes: also used by openapi.ts for hand-written routes. */
export function problemResponse(status: number, codes: string[]) {
  return {
    status,
    description: `${STATUS_CODES[status] ?? 'Error'}: ${codes.map((c) => `\`${c}\``).join(', ')}`,
    ...(HEADERS_BY_STATUS[status] ? { headers: HEADERS_BY_STATUS[status] } : {}),
    content: {
      [PROBLEM_JSON]: {
        schema: {
          allOf: [
            { $ref: getSchemaPath(ProblemOpenApi) },
            { type: 'object' as const, properties: { status: { type: 'integer' as const, enum: [status] }, code: { type: 'string' as const, enum: codes } } },
          ],
        },
      },
    },
  };
}
