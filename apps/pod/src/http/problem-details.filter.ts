import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { POD_LOGGER, type PodLogger } from '../logger/pod-logger.js';
import { loggedUrl } from './access-log.js';
import { isProblemCode, ProblemDocument, statusForCode, type ProblemCode } from './problem.js';

/** Codes for the errors that Nest and Express raise themselves, by status. */
const CODE_BY_STATUS: Partial<Record<number, ProblemCode>> = {
  400: 'invalid-body',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  406: 'not-acceptable',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
};

/**
 * Turns every error into application/problem+json. Errors with a string `code` (ours, the
 * event store's, the validator's) map through HTTP_STATUS_BY_CODE; anything else is a 500
 * whose details stay in the log. Every problem carries the request's id (`requestId`, also in
 * the X-Request-Id header and the access log line), so that a user's report leads to its lines.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger: PodLogger;

  constructor(@Inject(POD_LOGGER) logger: PodLogger) {
    this.logger = logger.child({ context: 'http' });
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const requestId = typeof request.id === 'string' ? request.id : undefined;
    const problem = { ...this.toProblem(error), ...(requestId ? { requestId } : {}) };
    if (problem.status >= 500) {
      this.logger.error(`${request.method} ${loggedUrl(request.originalUrl ?? request.url)}: ${(error as Error)?.message ?? String(error)}`, { requestId, err: error });
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(error: unknown): ProblemDocument {
    // Nest wraps body-parser's errors in HttpExceptions; their cause says what happened.
    const parserError = error instanceof HttpException ? (error.cause as { type?: unknown } | undefined)?.type : undefined;
    if (parserError === 'entity.parse.failed') return problem(400, 'malformed-json', 'the request body is not valid JSON');
    if (parserError === 'entity.too.large') return problem(413, 'payload-too-large', 'the request body is over the size limit');
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const raw = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      // body-parser errors (bad JSON, too large) arrive as HttpException-like or plain errors, below.
      const code = typeof raw.code === 'string' ? raw.code : (CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid-body'));
      const detail = Array.isArray(raw.message) ? raw.message.join('; ') : typeof raw.message === 'string' ? raw.message : error.message;
      return problem(status, code, detail);
    }
    const bodyParserType = (error as { type?: unknown })?.type;
    if (bodyParserType === 'entity.parse.failed') return problem(400, 'malformed-json', 'the request body is not valid JSON');
    if (bodyParserType === 'entity.too.large') return problem(413, 'payload-too-large', 'the request body is over the size limit');
    const code = (error as { code?: unknown })?.code;
    if (isProblemCode(code) && statusForCode(code) !== 500) {
      const extra = (error as { extra?: Record<string, unknown> }).extra ?? {};
      return { ...problem(statusForCode(code), code, (error as Error).message), ...extra };
    }
    return problem(500, 'internal', 'internal error');
  }
}

function problem(status: number, code: string, detail: string): ProblemDocument {
  return { type: `urn:swarmtube:problem:${code}`, title: STATUS_CODES[status] ?? 'Error', status, detail, code };
}
