import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Resource } from 'fhir/r4.js';
import fc from 'fast-check';
import type { buildApp } from '../../src/app.js';
import { repoRoot } from '../helpers/fhir-server.js';
import { PREFETCH_KEYS } from '../helpers/requests.js';
import { applyAt, mutation, oddResource, oddStrings, toJsonText, type Json } from './json-mutation.js';

/**
 * Generated CDS Hooks requests for fuzzing the HTTP surface (test/fuzz/requests.test.ts runs a few thousand,
 * `npm run fuzz` a hundred thousand): well-formed requests bent by mutations (wrong types, nulls, deleted fields,
 * huge strings, deep nesting, odd prefetch resources, garbage draftOrders), malformed and truncated JSON, unknown
 * hooks and services, odd methods, paths and content types. And the check every answer must pass.
 */

export interface RequestCase {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  /** The raw body (undefined: none); built lazily so huge payloads cost nothing until sent. */
  body?: string;
  /** Which generator made it, for the figures. */
  kind: string;
}

const SERVICES = ['nec-patient-view', 'nec-order-select', 'nec-order-sign'] as const;
const HOOK_OF: Record<(typeof SERVICES)[number], string> = {
  'nec-patient-view': 'patient-view',
  'nec-order-select': 'order-select',
  'nec-order-sign': 'order-sign',
};

/** The seed patient's resources as prefetch (one searchset per key), so mutations reach the FHIR extraction. */
function seedPrefetch(): Record<string, Json> {
  const bundle = JSON.parse(readFileSync(join(repoRoot, 'fixtures/patients/seed-000-nepc-liver.json'), 'utf8')) as Bundle;
  const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined);
  const byType = (type: string) => ({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: resources.filter((r) => r.resourceType === type).map((resource) => ({ resource })),
  });
  return JSON.parse(
    JSON.stringify({
      patient: resources.find((r) => r.resourceType === 'Patient') ?? null,
      conditions: byType('Condition'),
      medications: byType('MedicationRequest'),
      medicationStatements: null,
      medicationAdministrations: null,
      reports: byType('DiagnosticReport'),
      observations: byType('Observation'),
      serviceRequests: null,
      procedures: null,
    }),
  ) as Record<string, Json>;
}

const PREFETCH = seedPrefetch();
const PATIENT_ID = 'seed-000-nepc-liver';

function draftOrders(): Json {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'MedicationRequest',
          id: 'draft-1',
          status: 'draft',
          intent: 'order',
          subject: { reference: `Patient/${PATIENT_ID}` },
          medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '42375', display: 'leuprolide' }] },
        },
      },
    ],
  };
}

/** A valid request for `service`, with full, partial, null or no prefetch. */
function validRequest(service: (typeof SERVICES)[number], prefetchMode: number, fhirServer: string | undefined): { [key: string]: Json } {
  const context: { [key: string]: Json } = { userId: 'Practitioner/fuzz', patientId: PATIENT_ID };
  if (service !== 'nec-patient-view') context.draftOrders = draftOrders();
  if (service === 'nec-order-select') context.selections = ['MedicationRequest/draft-1'];
  const body: { [key: string]: Json } = { hook: HOOK_OF[service], hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context };
  if (fhirServer) {
    body.fhirServer = fhirServer;
    body.fhirAuthorization = { access_token: 'fuzz-token', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'nec-cds' };
  }
  if (prefetchMode === 0) body.prefetch = structuredClone(PREFETCH);
  else if (prefetchMode === 1) body.prefetch = Object.fromEntries(PREFETCH_KEYS.map((k) => [k, null]));
  else if (prefetchMode === 2) body.prefetch = { patient: structuredClone(PREFETCH.patient ?? null), conditions: structuredClone(PREFETCH.conditions ?? null) };
  return body;
}

function feedbackRequest(): { [key: string]: Json } {
  return {
    feedback: [
      {
        card: '9368d37b-283f-44a0-93ea-547cebab93ad',
        outcome: 'overridden',
        overrideReason: { reason: { code: 'patient-preference', system: 'urn:nec-cds:override' }, userComment: 'x' },
        outcomeTimestamp: '2026-11-23T10:05:31Z',
      },
    ],
  };
}

// ---- whole requests ---------------------------------------------------------------------------------------------

const jsonHeaders = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 2, arbitrary: fc.constant('application/fhir+json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
      'application/json, text/plain',
      ';;;',
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

export interface RequestArbitraryOptions {
  /** A FHIR base that refuses connections (a closed loopback port): requests never leave the machine. */
  closedFhirServer: string;
}

function headersWith(contentType: string | undefined): Record<string, string> {
  return contentType === undefined ? {} : { 'content-type': contentType };
}

/** Every kind of generated request, weighted towards ones that get past validation into the evaluation. */
export function requestCase(opts: RequestArbitraryOptions): fc.Arbitrary<RequestCase> {
  const service = fc.constantFrom(...SERVICES);
  const fhirServer = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(opts.closedFhirServer) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'not a url',
        'ftp://127.0.0.1/fhir',
        'javascript:alert(1)',
        'http://',
        `${opts.closedFhirServer}/${'a'.repeat(3000)}`,
        'http://[::1',
        'file:///etc/passwd',
      ),
    },
  );
  const base = fc.tuple(service, fc.integer({ min: 0, max: 3 }), fhirServer).map(([s, p, f]) => ({ service: s, body: validRequest(s, p, f) }));

  // A valid request, or one bent by 1–4 mutations anywhere in it (prefetch resources and draftOrders included).
  const mutated = fc
    .tuple(base, fc.array(fc.tuple(fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 7 }), mutation), { minLength: 0, maxLength: 4 }), jsonHeaders)
    .map(([{ service, body }, mutations, contentType]): RequestCase => {
      let json: Json = body;
      let proto = false;
      for (const [path, m] of mutations) {
        if (m.op === 'proto') proto = true;
        else json = applyAt(json, path, m);
      }
      let text = toJsonText(json);
      if (proto) text = text.replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},');
      return { method: 'POST', url: `/cds-services/${service}`, headers: headersWith(contentType), body: text, kind: mutations.length ? 'mutated' : 'valid' };
    });

  // Targeted shapes: unknown hooks, odd prefetch values, garbage draftOrders, odd context.
  const targeted = fc
    .tuple(
      base,
      fc.constantFrom('hook', 'prefetch', 'draftOrders', 'context', 'selections'),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddResource, oddStrings, fc.array(oddResource, { maxLength: 5 })),
    )
    .map(([{ service, body }, field, value]): RequestCase => {
      const json = structuredClone(body) as { [k: string]: Json } & { context: { [k: string]: Json }; prefetch?: { [k: string]: Json } };
      if (field === 'hook') json.hook = typeof value === 'string' ? value : toJsonText(value as Json).slice(0, 40);
      else if (field === 'prefetch') json.prefetch = Object.fromEntries(PREFETCH_KEYS.map((k, i) => [k, i % 2 ? (value as Json) : null]));
      else if (field === 'draftOrders') json.context.draftOrders = value as Json;
      else if (field === 'selections') json.context.selections = value as Json;
      else json.context = { ...json.context, [typeof value === 'string' ? value || 'x' : 'extra']: value as Json };
      return { method: 'POST', url: `/cds-services/${service}`, headers: { 'content-type': 'application/json' }, body: toJsonText(json), kind: `odd-${field}` };
    });

  // Malformed text: a valid body truncated, with a byte changed or inserted, or random text.
  const malformed = fc
    .tuple(
      base,
      fc.nat(),
      fc.oneof(fc.constant(''), fc.string({ maxLength: 3 }), fc.constantFrom('\u0000', '\\', '"', '}', ']', '{', '\ud800', ',,')),
      fc.constantFrom('truncate', 'insert', 'replace', 'random'),
      fc.string({ unit: 'binary', maxLength: 200 }),
      jsonHeaders,
    )
    .map(([{ service, body }, at, insert, how, random, contentType]): RequestCase => {
      const text = toJsonText(body);
      const i = at % (text.length + 1);
      const out =
        how === 'truncate'
          ? text.slice(0, i)
          : how === 'insert'
            ? text.slice(0, i) + insert + text.slice(i)
            : how === 'replace'
              ? text.slice(0, i) + insert + text.slice(i + 1)
              : random;
      return { method: 'POST', url: `/cds-services/${service}`, headers: headersWith(contentType), body: out, kind: `malformed-${how}` };
    });

  // Deep nesting and huge bodies, as whole bodies.
  const extreme = fc
    .tuple(
      service,
      fc.constantFrom('deep-array', 'deep-object', 'huge-string', 'many-keys', 'over-limit', 'many-entries'),
      fc.integer({ min: 1000, max: 100_000 }),
    )
    .map(([s, how, n]): RequestCase => {
      let body: string;
      if (how === 'deep-array') body = '['.repeat(n) + ']'.repeat(n);
      else if (how === 'deep-object') body = `{"hook":"patient-view","hookInstance":"x","context":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`;
      else if (how === 'huge-string') body = JSON.stringify({ ...validRequest(s, 1, undefined), hookInstance: 'x'.repeat(n * 20) });
      else if (how === 'many-keys')
        body = JSON.stringify({ ...validRequest(s, 1, undefined), prefetch: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, null])) });
      else if (how === 'many-entries') {
        body = JSON.stringify({
          ...validRequest(s, 3, undefined),
          prefetch: {
            ...Object.fromEntries(PREFETCH_KEYS.map((k) => [k, null])),
            observations: {
              resourceType: 'Bundle',
              type: 'searchset',
              entry: Array.from({ length: Math.min(n, 20_000) }, (_, i) => ({
                resource: { resourceType: 'Observation', id: `o${i}`, status: 'final', code: { text: 'x' } },
              })),
            },
          },
        });
      } else body = `{"padding":"${'x'.repeat(6 * 1024 * 1024)}"}`;
      return { method: 'POST', url: `/cds-services/${s}`, headers: { 'content-type': 'application/json' }, body, kind: `extreme-${how}` };
    });

  // Odd methods, paths and feedback.
  const pathSegment = fc.oneof(
    fc.constantFrom(...SERVICES),
    fc.constantFrom('', '..', '%2e%2e', 'feedback', 'x'.repeat(300), '%00', '%ZZ', 'nec-patient-view%2Ffeedback'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 20 }).map((s) => encodeURIComponent(s)),
  );
  const odd = fc
    .tuple(
      fc.constantFrom<RequestCase['method']>('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
      fc.constantFrom('/cds-services/', '/cds-services', '/', '/healthz', '/readyz', '/cds-services//', '/CDS-SERVICES/'),
      pathSegment,
      fc.constantFrom('', '/feedback', '/feedback/x', '?a=1&a=2', '?__proto__[x]=1', '#frag'),
      fc.option(fc.jsonValue({ maxDepth: 2 })),
      jsonHeaders,
    )
    .map(([method, prefix, segment, suffix, json, contentType]): RequestCase => {
      const url = prefix.endsWith('/') ? `${prefix}${segment}${suffix}` : `${prefix}${suffix}`;
      const hasBody = method !== 'GET' && method !== 'HEAD' && json !== null;
      return { method, url, headers: hasBody ? headersWith(contentType) : {}, ...(hasBody ? { body: toJsonText(json as Json) } : {}), kind: `route-${method}` };
    });

  const feedback = fc
    .tuple(service, fc.array(fc.tuple(fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 5 }), mutation), { maxLength: 3 }))
    .map(([s, mutations]): RequestCase => {
      let json: Json = feedbackRequest();
      for (const [path, m] of mutations) if (m.op !== 'proto') json = applyAt(json, path, m);
      return { method: 'POST', url: `/cds-services/${s}/feedback`, headers: { 'content-type': 'application/json' }, body: toJsonText(json), kind: 'feedback' };
    });

  return fc.oneof(
    { weight: 10, arbitrary: mutated },
    { weight: 4, arbitrary: targeted },
    { weight: 4, arbitrary: malformed },
    { weight: 1, arbitrary: extreme },
    { weight: 3, arbitrary: odd },
    { weight: 2, arbitrary: feedback },
  );
}

/** Authorization values an attacker would try, for the auth-on run (each must give 401, never 5xx). */
export const badAuthorization = fc.oneof(
  fc.constantFrom(
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'Bearer a.b.c',
    'Bearer ....',
    `Bearer ${'a'.repeat(20_000)}`,
    'Bearer eyJhbGciOiJub25lIn0.e30.',
    'bearer\u0000x',
  ),
  fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40 }))
    .map(
      ([h, p, s]) =>
        `Bearer ${Buffer.from(JSON.stringify(h)).toString('base64url')}.${Buffer.from(JSON.stringify(p)).toString('base64url')}.${Buffer.from(s).toString('base64url')}`,
    ),
);

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** The app as built by `buildApp`. */
export type App = Awaited<ReturnType<typeof buildApp>>;

/** Sends one case through `app.inject`. */
export async function send(app: App, c: RequestCase, authorization?: string): Promise<Answer> {
  const res = await app.inject({
    method: c.method,
    url: c.url,
    headers: { ...c.headers, ...(authorization !== undefined ? { authorization } : {}) },
    ...(c.body !== undefined ? { payload: c.body } : {}),
  });
  return { status: res.statusCode, headers: res.headers, body: res.body };
}

/**
 * What every answer must be: 2xx or 4xx, never 5xx; a 4xx carries a JSON body with a non-empty `message`; a 200
 * from a hook carries `cards`.
 * @returns the problem, or undefined when the answer is fine
 */
export function problemWith(c: RequestCase, a: Answer): string | undefined {
  if (a.status >= 500 || a.status < 200) return `status ${a.status}: ${a.body.slice(0, 300)}`;
  if (c.method === 'HEAD' || a.status === 204) return undefined;
  if (a.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(a.body);
    } catch {
      return `status ${a.status} without a JSON body: ${a.body.slice(0, 200)}`;
    }
    const message = (parsed as { message?: unknown } | null)?.message;
    if (typeof message !== 'string' || message.trim() === '') return `status ${a.status} without a readable message: ${a.body.slice(0, 200)}`;
    return undefined;
  }
  if (c.method === 'POST' && /^\/cds-services\/nec-[a-z-]+$/.test(c.url) && a.status === 200) {
    const cards = (JSON.parse(a.body) as { cards?: unknown }).cards;
    if (!Array.isArray(cards)) return `200 without cards: ${a.body.slice(0, 200)}`;
  }
  return undefined;
}

/** A histogram (status → count) as one line, statuses in order. */
export function histogramLine(counts: Map<number | string, number>): string {
  return [...counts.entries()]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}
