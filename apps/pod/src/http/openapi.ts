import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type ParameterObject, type PathItemObject, type ResponseObject } from '@nestjs/swagger';
import { SWARMTUBE_VERSION } from '../version.js';
import { BEARER_SCHEME, ProblemOpenApi, problemResponse } from './problem.openapi.js';

/**
 * The OpenAPI description of the pod, generated from the controllers' decorators (and the
 * `*.openapi.ts` classes beside the interfaces they describe), plus the routes that are
 * plain Express and not Nest controllers: the tracker and /static. Served at API_DOCS_PATH
 * with the Swagger UI (its assets are swagger-ui-dist's files, served from node_modules:
 * no CDN, works offline) and as JSON and YAML.
 */
export const API_DOCS_PATH = '/api/docs';
export const OPENAPI_JSON_PATH = `${API_DOCS_PATH}/openapi.json`;
export const OPENAPI_YAML_PATH = `${API_DOCS_PATH}/openapi.yaml`;
export const HTTP_SIGNATURE_SCHEME = 'httpSignature';

export const OPENAPI_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  { name: 'videos', description: 'The videos of the whole network this pod knows: list, search, upload, edit, delete.' },
  { name: 'users', description: 'Local accounts and their bearer tokens. Tokens and passwords never leave the pod.' },
  { name: 'pods', description: 'The network as this pod sees it, and the admin\'s make-friends and quit-friends.' },
  { name: 'events', description: 'The signed event log, for auditors (`npm run audit`).' },
  { name: 'config', description: 'What a client needs to know of this pod.' },
  { name: 'federation', description: 'Pod to pod: discovery (actor, WebFinger, NodeInfo), inbox, outbox and event pulls. See docs/protocol.md.' },
  { name: 'metrics', description: 'Prometheus metrics.' },
  { name: 'p2p', description: 'What viewers\' WebRTC needs: a short-lived viewer session, then ICE servers (STUN, TURN with credentials minted for the session). See docs/protocol.md.' },
  {
    name: 'tracker',
    description:
      'The embedded BitTorrent tracker, on the pod\'s own port, for the pod\'s own videos only: HTTP announce and scrape, WebSocket (WebTorrent) at /tracker/socket, ' +
      'and BEP 15 over UDP on the same port number (`udp://<host>:<port>`, not HTTP: not an operation here). A video\'s magnet and torrent list all three.',
  },
  { name: 'static', description: 'The files of this pod\'s videos: web seed (BEP 19, HTTP Range), torrent, thumbnail. Named by uuid and never rewritten: cached as immutable, readable cross-origin.' },
];

/** Builds the whole document. The app must be created (its controllers registered); it need not be listening. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Swarmtube pod')
    .setVersion(SWARMTUBE_VERSION)
    .setDescription(
      'The HTTP API of a Swarmtube pod: a federated, peer-to-peer video platform. ' +
        'Errors are `application/problem+json` (RFC 9457) with a stable `code`; each operation lists the codes it can answer. ' +
        'Log in with POST /api/v1/users/token and send `Authorization: Bearer <token>` where an operation asks for it.',
    )
    .setLicense('AGPL-3.0-or-later', 'https://www.gnu.org/licenses/agpl-3.0.html')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A token from POST /api/v1/users/token (24 hours; POST /api/v1/users/revoke-token ends it).' }, BEARER_SCHEME)
    .addSecurity(HTTP_SIGNATURE_SCHEME, {
      type: 'apiKey',
      in: 'header',
      name: 'Signature',
      description:
        'HTTP Signatures by another pod: draft-cavage (`Signature` with rsa-sha256, `Digest`), as Mastodon and PeerTube send, or RFC 9421 (`Signature-Input`, `Content-Digest`). ' +
        'The key is the one the signer\'s genesis event declared, or its actor\'s `publicKey`.',
    });
  for (const tag of OPENAPI_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ProblemOpenApi],
    // An untagged controller stays untagged (and fails openapi.int.spec.ts) rather than getting its class name.
    autoTagControllers: false,
    operationIdFactory: (controller, method) => `${controller.replace(/HttpController$/, '')}_${method}`,
  });
  if (document.servers?.length === 0) delete document.servers;

  document.components ??= {};
  document.components.responses = {
    ...document.components.responses,
    InternalError: withoutStatus(problemResponse(500, ['internal'])),
    Unavailable: withoutStatus(problemResponse(503, ['store-closed', 'store-corrupt'])),
  };
  // Any Nest route can fail unexpectedly, or find the database closed or corrupt.
  for (const item of Object.values(document.paths)) {
    for (const operation of operations(item)) {
      operation.responses['500'] ??= { $ref: '#/components/responses/InternalError' };
      operation.responses['503'] ??= { $ref: '#/components/responses/Unavailable' };
    }
  }
  for (const [path, item] of Object.entries(expressRoutes())) {
    if (document.paths[path]) throw new Error(`openapi: ${path} is both a Nest route and an Express one`);
    document.paths[path] = item;
  }
  return document;
}

/** Serves the Swagger UI at /api/docs and the document at /api/docs/openapi.json and .yaml. Call before app.init(): Nest's 404 comes at init. */
export function mountApiDocs(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(API_DOCS_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: OPENAPI_YAML_PATH,
    customSiteTitle: 'Swarmtube pod API',
    swaggerOptions: {
      // Swagger UI would otherwise send the document to validator.swagger.io for its badge.
      validatorUrl: null,
      persistAuthorization: true,
    },
  });
  return document;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operations(item: PathItemObject): OperationObject[] {
  return METHODS.map((m) => item[m]).filter((o): o is OperationObject => o !== undefined);
}

function withoutStatus({ status: _status, ...response }: ReturnType<typeof problemResponse>): ResponseObject {
  return response;
}

const notFound = (what: string): ResponseObject => ({ ...withoutStatus(problemResponse(404, ['not-found'])), description: `Not Found: \`not-found\` (${what}).` });

const infoHashParameter = (description: string, required: boolean): ParameterObject => ({
  name: 'info_hash',
  in: 'query',
  required,
  description: `${description} The 20 bytes of the info-hash, percent-encoded byte by byte (not UTF-8).`,
  schema: { type: 'string' },
  allowReserved: true,
});

const bencoded = (description: string): ResponseObject => ({
  description,
  content: { 'text/plain': { schema: { type: 'string', format: 'binary', description: 'A bencoded dictionary.' } } },
});

/** A static folder: GET with Range, and the CORS preflight every /static/ path answers. */
function staticFiles(folder: string, file: string, contentType: string, what: string): PathItemObject {
  const fileParameter: ParameterObject = { name: 'file', in: 'path', required: true, description: file, schema: { type: 'string' } };
  return {
    get: {
      tags: ['static'],
      operationId: `Static_${folder.replace(/-(.)/g, (_, c: string) => c.toUpperCase())}`,
      summary: what,
      parameters: [fileParameter, { name: 'Range', in: 'header', required: false, description: 'RFC 9110 byte range, e.g. `bytes=0-1023`.', schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'The file (Cache-Control immutable, Access-Control-Allow-Origin *).',
          content: { [contentType]: { schema: { type: 'string', format: 'binary' } } },
        },
        '206': { description: 'The requested range.', content: { [contentType]: { schema: { type: 'string', format: 'binary' } } } },
        '404': notFound('no such file'),
      },
    },
    options: {
      tags: ['static'],
      operationId: `Static_${folder.replace(/-(.)/g, (_, c: string) => c.toUpperCase())}Preflight`,
      summary: 'CORS preflight',
      parameters: [fileParameter],
      responses: {
        '204': {
          description: 'Allowed: GET, HEAD and OPTIONS, with a Range header, from any origin.',
          headers: {
            'Access-Control-Allow-Origin': { schema: { type: 'string', enum: ['*'] } },
            'Access-Control-Allow-Methods': { schema: { type: 'string' } },
            'Access-Control-Allow-Headers': { schema: { type: 'string' } },
          },
        },
      },
    },
  };
}

/** The routes that are Express's, not Nest's (pod-tracker.ts, static-files.ts), described by hand. */
function expressRoutes(): Record<string, PathItemObject> {
  const trackerAnswer = 'Every answer is 200 with a bencoded dictionary, failures included (`failure reason`): BitTorrent clients take other statuses for a tracker that is down.';
  return {
    '/tracker/announce': {
      get: {
        tags: ['tracker'],
        operationId: 'Tracker_announce',
        summary: 'Announce (BEP 3, compact peers BEP 23, IPv6 peers6 BEP 7)',
        description: `Only for this pod's own videos. ${trackerAnswer}`,
        parameters: [
          infoHashParameter('The torrent.', true),
          { name: 'peer_id', in: 'query', required: true, description: 'The peer\'s 20-byte id, percent-encoded.', schema: { type: 'string' }, allowReserved: true },
          { name: 'port', in: 'query', required: true, schema: { type: 'integer', minimum: 1, maximum: 65535 } },
          { name: 'uploaded', in: 'query', required: false, schema: { type: 'integer', minimum: 0 }, description: 'Bytes.' },
          { name: 'downloaded', in: 'query', required: false, schema: { type: 'integer', minimum: 0 }, description: 'Bytes.' },
          { name: 'left', in: 'query', required: false, schema: { type: 'integer', minimum: 0 }, description: 'Bytes; 0: a seeder.' },
          { name: 'event', in: 'query', required: false, schema: { type: 'string', enum: ['started', 'completed', 'stopped', 'empty', ''] } },
          { name: 'numwant', in: 'query', required: false, schema: { type: 'integer' }, description: 'Peers wanted (clamped; negative: the default).' },
          { name: 'compact', in: 'query', required: false, schema: { type: 'integer', enum: [0, 1], default: 1 } },
          { name: 'no_peer_id', in: 'query', required: false, schema: { type: 'integer', enum: [0, 1] } },
        ],
        responses: { '200': bencoded('`interval`, `min interval`, `complete`, `incomplete`, `downloaded` and `peers` (and `peers6`), or `failure reason`.') },
      },
    },
    '/tracker/scrape': {
      get: {
        tags: ['tracker'],
        operationId: 'Tracker_scrape',
        summary: 'Scrape (BEP 48)',
        description: `Swarm counts of the torrents asked for (at least one: no full scrape). ${trackerAnswer}`,
        parameters: [{ ...infoHashParameter('Repeat for several torrents (at most 100).', true), style: 'form', explode: true, schema: { type: 'array', items: { type: 'string' }, maxItems: 100 } }],
        responses: { '200': bencoded('`files`: per info-hash, `complete`, `incomplete`, `downloaded`; or `failure reason`.') },
      },
    },
    '/tracker/socket': {
      get: {
        tags: ['tracker'],
        operationId: 'Tracker_socket',
        summary: 'WebSocket tracker (WebTorrent)',
        description:
          'Upgrade to a WebSocket speaking the WebTorrent tracker protocol: JSON messages `{action: "announce" | "scrape", info_hash, peer_id, offers, …}`; the tracker relays WebRTC offers and answers between browsers. Only for this pod\'s own videos.',
        parameters: [
          { name: 'Upgrade', in: 'header', required: true, schema: { type: 'string', enum: ['websocket'] } },
          { name: 'Connection', in: 'header', required: true, schema: { type: 'string', enum: ['Upgrade'] } },
        ],
        responses: { '101': { description: 'Switching Protocols: the WebSocket is open.' } },
      },
    },
    '/static/web-videos/{file}': staticFiles('web-videos', '`<uuid>.<ext>`, as in a video\'s webSeedUrls.', 'video/*', 'A video file: the web seed (BEP 19)'),
    '/static/torrents/{file}': staticFiles('torrents', '`<uuid>.torrent`', 'application/x-bittorrent', 'A video\'s .torrent'),
    '/static/thumbnails/{file}': staticFiles('thumbnails', '`<uuid>.jpg`', 'image/jpeg', 'A video\'s thumbnail'),
  };
}
