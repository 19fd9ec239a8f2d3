import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { parse as parseYaml } from 'yaml';
import { videoPublishedDraft } from '@swarmtube/testing';
import { startTestPod, TEST_ADMIN_PASSWORD, type TestPod } from '../testing/test-pod.js';
import { AdminGuard } from '../users/admin.guard.js';
import { UserGuard } from '../users/user.guard.js';
import { SWARMTUBE_VERSION } from '../version.js';
import { MAX_COUNT, VIDEO_SORTS } from '../videos/queries/list-videos-query.js';
import { API_DOCS_PATH, OPENAPI_JSON_PATH, OPENAPI_TAGS, OPENAPI_YAML_PATH } from './openapi.js';
import { BEARER_SCHEME, PROBLEM_JSON } from './problem.openapi.js';
import { HTTP_STATUS_BY_CODE, statusForCode } from './problem.js';
import { VideoStorage } from '../videos/video-storage.js';
import { EventLog } from '../event-log/event-log.js';
import { ProjectionRunner } from '../projections/projection-runner.js';

type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * A subset of the official OpenAPI 3.0 schema (spec.openapis.org/oas/3.0/schema), which is not
 * available offline: the structure of paths, operations, parameters, request bodies,
 * responses, media types, security schemes and Schema Objects, closed where 3.0 is closed,
 * so that 3.1-only or misspelt keywords (`const`, `examples` in a schema, type arrays) fail.
 */
const X = { '^x-': {} };
const OPENAPI_30_SUBSET: AnySchema = {
  $id: 'oas30-subset',
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  additionalProperties: false,
  patternProperties: X,
  properties: {
    openapi: { type: 'string', pattern: '^3\\.0\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      additionalProperties: false,
      patternProperties: X,
      properties: {
        title: { type: 'string', minLength: 1 },
        version: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        termsOfService: { type: 'string' },
        contact: { type: 'object' },
        license: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, url: { type: 'string', format: 'uri' } } },
      },
    },
    servers: { type: 'array', items: { type: 'object', required: ['url'] } },
    tags: { type: 'array', items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, description: { type: 'string' }, externalDocs: { type: 'object' } } } },
    security: { $ref: '#/definitions/security' },
    externalDocs: { type: 'object' },
    paths: { type: 'object', propertyNames: { pattern: '^/' }, additionalProperties: { $ref: '#/definitions/pathItem' } },
    components: {
      type: 'object',
      additionalProperties: false,
      patternProperties: X,
      properties: {
        schemas: { type: 'object', additionalProperties: { $ref: '#/definitions/schemaOrRef' } },
        responses: { type: 'object', additionalProperties: { $ref: '#/definitions/responseOrRef' } },
        parameters: { type: 'object', additionalProperties: { $ref: '#/definitions/parameterOrRef' } },
        requestBodies: { type: 'object' },
        headers: { type: 'object' },
        examples: { type: 'object' },
        links: { type: 'object' },
        callbacks: { type: 'object' },
        securitySchemes: { type: 'object', additionalProperties: { $ref: '#/definitions/securityScheme' } },
      },
    },
  },
  definitions: {
    reference: { type: 'object', required: ['$ref'], additionalProperties: false, properties: { $ref: { type: 'string', pattern: '^#/' } } },
    security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
    pathItem: {
      type: 'object',
      additionalProperties: false,
      patternProperties: X,
      properties: {
        ...Object.fromEntries(METHODS.map((m) => [m, { $ref: '#/definitions/operation' }])),
        summary: { type: 'string' },
        description: { type: 'string' },
        parameters: { type: 'array', items: { $ref: '#/definitions/parameterOrRef' } },
        servers: { type: 'array' },
      },
    },
    operation: {
      type: 'object',
      required: ['responses'],
      additionalProperties: false,
      patternProperties: X,
      properties: {
        tags: { type: 'array', items: { type: 'string' } },
        summary: { type: 'string' },
        description: { type: 'string' },
        externalDocs: { type: 'object' },
        operationId: { type: 'string' },
        parameters: { type: 'array', items: { $ref: '#/definitions/parameterOrRef' } },
        requestBody: {
          if: { required: ['$ref'] },
          then: { $ref: '#/definitions/reference' },
          else: { type: 'object', required: ['content'], additionalProperties: false, patternProperties: X, properties: { description: { type: 'string' }, required: { type: 'boolean' }, content: { $ref: '#/definitions/content' } } },
        },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5](\\d\\d|XX)|default|x-.*)$' },
          additionalProperties: { $ref: '#/definitions/responseOrRef' },
        },
        callbacks: { type: 'object' },
        deprecated: { type: 'boolean' },
        security: { $ref: '#/definitions/security' },
        servers: { type: 'array' },
      },
    },
    parameterOrRef: {
      if: { required: ['$ref'] },
      then: { $ref: '#/definitions/reference' },
      else: {
        type: 'object',
        required: ['name', 'in'],
        additionalProperties: false,
        patternProperties: X,
        properties: {
          name: { type: 'string' },
          in: { enum: ['query', 'header', 'path', 'cookie'] },
          description: { type: 'string' },
          required: { type: 'boolean' },
          deprecated: { type: 'boolean' },
          allowEmptyValue: { type: 'boolean' },
          style: { enum: ['matrix', 'label', 'form', 'simple', 'spaceDelimited', 'pipeDelimited', 'deepObject'] },
          explode: { type: 'boolean' },
          allowReserved: { type: 'boolean' },
          schema: { $ref: '#/definitions/schemaOrRef' },
          content: { $ref: '#/definitions/content' },
          example: {},
          examples: { type: 'object' },
        },
        oneOf: [{ required: ['schema'] }, { required: ['content'] }],
        if: { properties: { in: { const: 'path' } } },
        then: { required: ['required'], properties: { required: { const: true } } },
      },
    },
    responseOrRef: {
      if: { required: ['$ref'] },
      then: { $ref: '#/definitions/reference' },
      else: {
        type: 'object',
        required: ['description'],
        additionalProperties: false,
        patternProperties: X,
        properties: {
          description: { type: 'string' },
          headers: { type: 'object', additionalProperties: { $ref: '#/definitions/header' } },
          content: { $ref: '#/definitions/content' },
          links: { type: 'object' },
        },
      },
    },
    header: {
      type: 'object',
      additionalProperties: false,
      patternProperties: X,
      properties: { description: { type: 'string' }, required: { type: 'boolean' }, deprecated: { type: 'boolean' }, schema: { $ref: '#/definitions/schemaOrRef' }, example: {}, examples: { type: 'object' } },
    },
    content: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        patternProperties: X,
        properties: { schema: { $ref: '#/definitions/schemaOrRef' }, example: {}, examples: { type: 'object' }, encoding: { type: 'object' } },
      },
    },
    securityScheme: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['apiKey', 'http', 'oauth2', 'openIdConnect'] } },
      allOf: [
        { if: { properties: { type: { const: 'apiKey' } } }, then: { required: ['name', 'in'], properties: { in: { enum: ['query', 'header', 'cookie'] } } } },
        { if: { properties: { type: { const: 'http' } } }, then: { required: ['scheme'] } },
      ],
    },
    schemaOrRef: { if: { required: ['$ref'] }, then: { $ref: '#/definitions/reference' }, else: { $ref: '#/definitions/schema' } },
    schema: {
      type: 'object',
      additionalProperties: false,
      patternProperties: X,
      properties: {
        title: { type: 'string' },
        multipleOf: { type: 'number', exclusiveMinimum: 0 },
        maximum: { type: 'number' },
        exclusiveMaximum: { type: 'boolean' },
        minimum: { type: 'number' },
        exclusiveMinimum: { type: 'boolean' },
        maxLength: { type: 'integer', minimum: 0 },
        minLength: { type: 'integer', minimum: 0 },
        pattern: { type: 'string', format: 'regex' },
        maxItems: { type: 'integer', minimum: 0 },
        minItems: { type: 'integer', minimum: 0 },
        uniqueItems: { type: 'boolean' },
        maxProperties: { type: 'integer', minimum: 0 },
        minProperties: { type: 'integer', minimum: 0 },
        required: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
        enum: { type: 'array', minItems: 1 },
        type: { enum: ['array', 'boolean', 'integer', 'number', 'object', 'string'] },
        not: { $ref: '#/definitions/schemaOrRef' },
        allOf: { type: 'array', items: { $ref: '#/definitions/schemaOrRef' } },
        oneOf: { type: 'array', items: { $ref: '#/definitions/schemaOrRef' } },
        anyOf: { type: 'array', items: { $ref: '#/definitions/schemaOrRef' } },
        items: { $ref: '#/definitions/schemaOrRef' },
        properties: { type: 'object', additionalProperties: { $ref: '#/definitions/schemaOrRef' } },
        additionalProperties: { anyOf: [{ type: 'boolean' }, { $ref: '#/definitions/schemaOrRef' }] },
        description: { type: 'string' },
        format: { type: 'string' },
        default: {},
        nullable: { type: 'boolean' },
        discriminator: { type: 'object', required: ['propertyName'] },
        readOnly: { type: 'boolean' },
        writeOnly: { type: 'boolean' },
        example: {},
        externalDocs: { type: 'object' },
        deprecated: { type: 'boolean' },
        xml: { type: 'object' },
      },
      if: { properties: { type: { const: 'array' } }, required: ['type'] },
      then: { required: ['items'] },
    },
  },
};

function operationsOf(document: Json): Array<{ path: string; method: string; operation: Json }> {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, operation: item[method] })),
  );
}

function pointer(document: Json, ref: string): Json {
  assert.ok(ref.startsWith('#/'), `only local $refs: ${ref}`);
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node, part) => (node === undefined || node === null ? undefined : node[part]), document);
}

function deref(document: Json, node: Json): Json {
  while (node && typeof node.$ref === 'string') node = pointer(document, node.$ref);
  return node;
}

function* refsIn(node: Json, at = '#'): Generator<{ ref: string; at: string }> {
  if (Array.isArray(node)) for (let i = 0; i < node.length; i++) yield* refsIn(node[i], `${at}/${i}`);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') yield { ref: value, at };
      else yield* refsIn(value, `${at}/${key}`);
    }
  }
}

/** `/api/v1/videos/:uuid` → `/api/v1/videos/{uuid}` */
function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** What Express will answer: every route layer of the app's router (Nest's routes, the tracker's, the docs'). */
function routerRoutes(pod: TestPod): Array<{ path: string | RegExp; method: string }> {
  const express = (pod.app as NestExpressApplication).getHttpAdapter().getInstance() as Json;
  const stack: Json[] = (express.router ?? express._router).stack;
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) => Object.keys(layer.route.methods).filter((m) => m !== '_all').map((method) => ({ path: layer.route.path as string | RegExp, method })));
}

/** What the controllers declare, from Nest's own metadata: path, method and guards of every handler. */
function controllerRoutes(pod: TestPod): Array<{ path: string; method: string; guards: unknown[]; controller: string }> {
  const modules = pod.app.get(ModulesContainer);
  const routes: Array<{ path: string; method: string; guards: unknown[]; controller: string }> = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Json;
      const base: string = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat()[0];
      const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase();
        for (const sub of [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[]) {
          const path = '/' + [base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
          routes.push({ path, method, guards: [...classGuards, ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])], controller: controller.name });
        }
      }
    }
  }
  return routes;
}

describe('the OpenAPI description at /api/docs', () => {
  let pod: TestPod;
  let document: Json;
  const uuid = randomUUID();

  before(async () => {
    pod = await startTestPod({ http: true });
    const { stream, draft } = videoPublishedDraft({ uuid, host: pod.config.host });
    await pod.get(EventLog).append(stream, [draft], { expectedVersion: 'no-stream' });
    await pod.get(ProjectionRunner).waitFor(await pod.store.headPosition());
    const response = await fetch(`${pod.baseUrl}${OPENAPI_JSON_PATH}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    document = await response.json();
  });
  after(() => pod?.destroy());

  test('GET /api/docs is the Swagger UI, whose assets are all local and all load', async () => {
    for (const path of [API_DOCS_PATH, `${API_DOCS_PATH}/`]) {
      // As a browser asks: the site's history-mode fallback must not answer instead.
      const response = await fetch(`${pod.baseUrl}${path}`, { headers: { accept: 'text/html,application/xhtml+xml' } });
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      const html = await response.text();
      assert.match(html, /<div id="swagger-ui">/);
      const assets = [...html.matchAll(/<(?:script|link|img)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]);
      assert.ok(assets.length >= 4, `assets of ${path}: ${assets.join(', ')}`);
      for (const asset of assets) {
        assert.doesNotMatch(asset, /^([a-z][a-z0-9+.-]*:|\/\/)/i, `${asset} is not on this pod`);
        const url = new URL(asset, `${pod.baseUrl}${path}`);
        assert.equal(url.origin, pod.baseUrl);
        assert.ok(url.pathname.startsWith(`${API_DOCS_PATH}/`), url.pathname);
        const loaded = await fetch(url);
        assert.equal(loaded.status, 200, `${url.pathname} loads`);
        const type = loaded.headers.get('content-type') ?? '';
        const body = Buffer.from(await loaded.arrayBuffer());
        assert.ok(body.length > 0, url.pathname);
        if (url.pathname.endsWith('.js')) assert.match(type, /javascript/);
        if (url.pathname.endsWith('.css')) assert.match(type, /^text\/css/);
        if (url.pathname.endsWith('swagger-ui-init.js')) {
          const init = body.toString('utf8');
          // The document is inline, and the validator badge (validator.swagger.io) is off.
          assert.match(init, /"validatorUrl": null/);
          assert.match(init, /"title": "Swarmtube pod"/);
        }
      }
    }
  });

  test('openapi.json is a valid OpenAPI 3.0 document whose every $ref resolves', () => {
    // strictSchema stays on (no unknown keyword in the schema below); if/then need no type.
    const ajv = new Ajv({ allErrors: true, strictTypes: false, strictRequired: false });
    addFormats.default(ajv);
    const validate = ajv.compile(OPENAPI_30_SUBSET);
    const candidate: unknown = document;
    assert.ok(validate(candidate), JSON.stringify(validate.errors?.slice(0, 10), null, 1));

    assert.equal(document.info.title, 'Swarmtube pod');
    assert.equal(document.info.version, SWARMTUBE_VERSION);
    const refs = [...refsIn(document)];
    assert.ok(refs.length > 50);
    for (const { ref, at } of refs) assert.notEqual(pointer(document, ref), undefined, `${ref} at ${at}`);

    const operationIds = new Set<string>();
    const declaredTags = new Set(document.tags.map((t: Json) => t.name));
    assert.deepEqual([...declaredTags].sort(), OPENAPI_TAGS.map((t) => t.name).sort());
    for (const { path, method, operation } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(operation.operationId && !operationIds.has(operation.operationId), `${where}: unique operationId`);
      operationIds.add(operation.operationId);
      // Path templates and path parameters match, one to one.
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (operation.parameters ?? []).map((p: Json) => deref(document, p)).filter((p: Json) => p.in === 'path').map((p: Json) => p.name).sort();
      assert.deepEqual(declared, templated, `${where}: path parameters`);
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) assert.ok(document.components.securitySchemes[scheme], `${where}: security scheme ${scheme} is declared`);
      }
      for (const tag of operation.tags ?? []) assert.ok(declaredTags.has(tag), `${where}: tag ${tag} is declared`);
    }
    assert.equal(document.components.securitySchemes[BEARER_SCHEME].scheme, 'bearer');
  });

  test('openapi.yaml is the same document', async () => {
    const response = await fetch(`${pod.baseUrl}${OPENAPI_YAML_PATH}`);
    assert.equal(response.status, 200);
    assert.deepEqual(parseYaml(await response.text()), document);
  });

  test('it describes every route the pod serves: Nest\'s, the tracker\'s and /static, and nothing that is not served', async () => {
    const served = routerRoutes(pod).filter((r) => typeof r.path !== 'string' || !r.path.startsWith(API_DOCS_PATH));
    const fromControllers = controllerRoutes(pod);
    // The router stack is read right: every controller route is in it (so a new controller is too).
    assert.ok(fromControllers.length >= 20, `controller routes: ${fromControllers.length}`);
    for (const route of fromControllers) {
      assert.ok(served.some((s) => s.path === route.path && s.method === route.method), `${route.method} ${route.path} (${route.controller}) is in Express's router`);
    }
    const documented = operationsOf(document);
    const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x');
    for (const route of served) {
      const found =
        typeof route.path === 'string'
          ? documented.some((d) => d.path === openApiPath(route.path as string) && d.method === route.method)
          : documented.some((d) => (route.path as RegExp).test(concrete(d.path)) && d.method === route.method);
      assert.ok(found, `${route.method.toUpperCase()} ${route.path} is served but not in the OpenAPI document`);
    }
    for (const expected of ['/tracker/announce', '/tracker/scrape', '/tracker/socket', '/static/web-videos/{file}', '/static/torrents/{file}', '/static/thumbnails/{file}']) {
      assert.ok(document.paths[expected]?.get, `GET ${expected} is documented`);
    }

    // What is documented is served: router routes, or the hand-written entries checked live below.
    const live = new Set<string>();
    for (const d of documented) {
      const routed = served.some((s) => s.method === d.method && (typeof s.path === 'string' ? openApiPath(s.path) === d.path : s.path.test(concrete(d.path))));
      if (!routed) live.add(`${d.method} ${d.path}`);
    }
    const storage = pod.get(VideoStorage);
    const files: Record<string, { dir: string; name: string; type: RegExp }> = {
      '/static/web-videos/{file}': { dir: storage.webVideosDir, name: `${uuid}.mp4`, type: /^video\/mp4/ },
      '/static/torrents/{file}': { dir: storage.torrentsDir, name: `${uuid}.torrent`, type: /^application\/x-bittorrent/ },
      '/static/thumbnails/{file}': { dir: storage.thumbnailsDir, name: `${uuid}.jpg`, type: /^image\/jpeg/ },
    };
    for (const [path, file] of Object.entries(files)) {
      writeFileSync(join(file.dir, file.name), Buffer.alloc(2048, 7));
      const url = `${pod.baseUrl}${path.replace('{file}', file.name)}`;
      const whole = await fetch(url);
      assert.equal(whole.status, 200, url);
      assert.match(whole.headers.get('content-type') ?? '', file.type);
      assert.ok(Object.keys(document.paths[path].get.responses['200'].content).some((t) => new RegExp(t.replace('*', '.*')).test(whole.headers.get('content-type')!)));
      await whole.arrayBuffer();
      const part = await fetch(url, { headers: { range: 'bytes=0-9' } });
      assert.equal(part.status, 206);
      assert.equal((await part.arrayBuffer()).byteLength, 10);
      const missing = await fetch(`${pod.baseUrl}${path.replace('{file}', `${randomUUID()}.jpg`)}`);
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('content-type')?.split(';')[0], PROBLEM_JSON);
      await missing.arrayBuffer();
      live.delete(`get ${path}`);
    }
    const socket = new WebSocket(`${pod.baseUrl.replace('http', 'ws')}/tracker/socket`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.close();
    live.delete('get /tracker/socket');
    assert.deepEqual([...live], [], 'documented but not served');
  });

  test('every operation is described: summary, tag, responses with descriptions, problem+json errors with their codes', () => {
    for (const { path, method, operation } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(operation.summary?.length > 3, `${where}: summary`);
      assert.equal(operation.tags?.length, 1, `${where}: one tag`);
      const statuses = Object.keys(operation.responses);
      assert.ok(statuses.some((s) => /^[12]\d\d$/.test(s)), `${where}: a success response`);
      const nest = !path.startsWith('/tracker/') && !path.startsWith('/static/');
      for (const status of statuses) {
        const response = deref(document, operation.responses[status]);
        assert.ok(response.description?.length > 0, `${where} ${status}: description`);
        if (/^[23]\d\d$/.test(status) && status !== '204' && (nest || status !== '101')) {
          assert.ok(response.content && Object.keys(response.content).length > 0, `${where} ${status}: content`);
          for (const [type, media] of Object.entries<Json>(response.content)) assert.ok(media.schema, `${where} ${status} ${type}: schema`);
        }
        // The one error that is not a problem: an ActivityPub object its origin deleted answers
        // 410 with its Tombstone (as Mastodon does), for readers to drop their copy.
        const tombstone = status === '410' && response.content?.['application/activity+json']?.schema?.properties?.type?.enum?.[0] === 'Tombstone';
        // Nor /readyz's 503: load balancers and monitoring read its shape (terminus's) on both answers.
        const readiness = path === '/readyz' && status === '503';
        if (Number(status) >= 400 && (nest || status === '404') && !tombstone && !readiness) {
          const schema = response.content?.[PROBLEM_JSON]?.schema;
          assert.ok(schema, `${where} ${status}: problem+json`);
          const [base, narrowed] = schema.allOf;
          assert.equal(base.$ref, '#/components/schemas/Problem');
          for (const code of narrowed.properties.code.enum) assert.equal(statusForCode(code), Number(status), `${where}: ${code} is a ${status}`);
        }
      }
      if (nest) {
        assert.ok(operation.responses['500'] && operation.responses['503'], `${where}: 500 and 503`);
        if (operation.requestBody) assert.ok(Object.keys(deref(document, operation.requestBody).content).length > 0);
      }
    }
    const problem = document.components.schemas.Problem;
    assert.deepEqual([...problem.required].sort(), ['code', 'detail', 'requestId', 'status', 'title', 'type']);
    assert.deepEqual(problem.properties.code.enum.sort(), Object.keys(HTTP_STATUS_BY_CODE).sort());
  });

  test('GET /api/v1/videos documents search, start, count, sort and origin', () => {
    const operation = document.paths['/api/v1/videos'].get;
    const parameters = Object.fromEntries(operation.parameters.map((p: Json) => [p.name, p]));
    assert.deepEqual(Object.keys(parameters), ['search', 'start', 'count', 'sort', 'origin']);
    for (const p of Object.values<Json>(parameters)) {
      assert.equal(p.in, 'query');
      assert.equal(p.required, false);
    }
    assert.deepEqual(parameters.sort.schema.enum, [...VIDEO_SORTS]);
    assert.equal(parameters.count.schema.maximum, MAX_COUNT);
    assert.equal(parameters.start.schema.type, 'integer');
    assert.match(parameters.origin.description, /local.*remote.*host/);
    assert.deepEqual(operation.responses['400'].content[PROBLEM_JSON].schema.allOf[1].properties.code.enum, ['invalid-query']);
    const events = document.paths['/api/v1/events'].get;
    assert.deepEqual(events.parameters.map((p: Json) => p.name).sort(), ['after', 'limit']);
    assert.deepEqual(Object.keys(events.responses['200'].content).sort(), ['application/json', 'application/x-ndjson']);
  });

  test('the upload is multipart/form-data with the video as a binary videofile', () => {
    const operation = document.paths['/api/v1/videos/upload'].post;
    assert.deepEqual(Object.keys(operation.requestBody.content), ['multipart/form-data']);
    const schema = deref(document, operation.requestBody.content['multipart/form-data'].schema);
    assert.deepEqual(schema.properties.videofile, { ...schema.properties.videofile, type: 'string', format: 'binary' });
    assert.deepEqual(schema.required.sort(), ['name', 'videofile']);
    assert.equal(schema.properties.tags.type, 'array');
    assert.equal(schema.properties.description.type, 'string');
    assert.deepEqual(operation.security, [{ [BEARER_SCHEME]: [] }]);
    assert.ok(operation.responses['201']);
    assert.deepEqual(operation.responses['422'].content[PROBLEM_JSON].schema.allOf[1].properties.code.enum.sort(), ['empty-file', 'media-timeout', 'not-a-video', 'truncated-media']);
  });

  test('the routes behind UserGuard or AdminGuard, and only those, declare bearer security and its 401 (and 403 for admins)', () => {
    const routes = controllerRoutes(pod);
    const guarded = routes.filter((r) => r.guards.includes(UserGuard) || r.guards.includes(AdminGuard));
    assert.ok(guarded.length >= 9, `guarded routes: ${guarded.length}`);
    for (const route of routes) {
      const where = `${route.method.toUpperCase()} ${route.path}`;
      const operation = document.paths[openApiPath(route.path)][route.method];
      const bearer = (operation.security ?? []).some((s: Json) => BEARER_SCHEME in s);
      if (!guarded.includes(route)) {
        assert.ok(!bearer, `${where} has no guard but declares bearer security`);
        continue;
      }
      assert.ok(bearer, `${where} is guarded but declares no bearer security`);
      assert.ok(operation.responses['401'].content[PROBLEM_JSON].schema.allOf[1].properties.code.enum.includes('unauthorized'), `${where}: 401 unauthorized`);
      assert.ok(operation.responses['401'].headers['WWW-Authenticate'], `${where}: WWW-Authenticate`);
      if (route.guards.includes(AdminGuard)) {
        assert.ok(operation.responses['403'].content[PROBLEM_JSON].schema.allOf[1].properties.code.enum.includes('forbidden'), `${where}: 403 forbidden`);
      }
    }
  });

  test('what the pod answers matches the documented response schemas', async () => {
    // The named schemas closed (no undocumented fields): they mirror the TypeScript interfaces.
    const components = structuredClone(document.components);
    for (const schema of Object.values<Json>(components.schemas)) if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    ajv.addFormat('binary', true).addFormat('password', true);
    ajv.addSchema({ $id: 'openapi.json', components });
    const inline = (schema: Json) => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi.json#/components/'));
    const token = await pod.adminToken();

    const check = async (method: string, path: string, init: RequestInit = {}, docPath = path.split('?')[0]) => {
      const response = await fetch(`${pod.baseUrl}${path}`, { method: method.toUpperCase(), ...init });
      const type = response.headers.get('content-type')!.split(';')[0];
      const operation = document.paths[docPath][method];
      const documented = deref(document, operation.responses[String(response.status)]);
      assert.ok(documented, `${method} ${path}: status ${response.status} is documented`);
      const media = documented.content[type] ?? Object.entries<Json>(documented.content).find(([t]) => type.startsWith(t.split(';')[0]))?.[1];
      assert.ok(media, `${method} ${path}: ${type} is documented for ${response.status}`);
      const body: Json = await response.json();
      const candidate: unknown = body;
      const validate = ajv.compile(inline(media.schema));
      assert.ok(validate(candidate), `${method} ${path}: ${JSON.stringify(validate.errors, null, 1)}\n${JSON.stringify(body).slice(0, 500)}`);
      return body;
    };
    const list = await check('get', '/api/v1/videos?count=5');
    assert.equal(list.data[0].uuid, uuid);
    await check('get', `/api/v1/videos/${uuid}`, {}, '/api/v1/videos/{uuid}');
    await check('get', `/api/v1/videos/${randomUUID()}`, {}, '/api/v1/videos/{uuid}');
    await check('get', '/api/v1/videos?sort=oldest');
    await check('get', '/api/v1/config');
    await check('get', '/api/v1/pods');
    await check('get', '/api/v1/events?limit=3');
    await check('get', '/federation/events');
    await check('get', `/federation/events?origin=${encodeURIComponent(pod.actor)}&limit=2`);
    await check('get', '/api/v1/users/me', { headers: { authorization: `Bearer ${token}` } });
    await check('get', '/api/v1/users/me');
    await check('post', '/api/v1/users/token', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'root', password: TEST_ADMIN_PASSWORD }) });
    await check('post', '/api/v1/users', { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ username: 'dora', password: 'long enough', role: 'user' }) });
    await check('post', '/api/v1/users', { headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"username":' });
    await check('post', '/api/v1/users/register', { headers: { 'content-type': 'application/json' }, body: '{}' });
    await check('get', '/.well-known/webfinger?resource=acct:nobody@elsewhere');
  });
});
