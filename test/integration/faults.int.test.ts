import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardsWithTopic, DATA_UNAVAILABLE, SEED_000, STOP_ADT, type CdsResponse } from '../helpers/cards.js';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { patientViewRequest, readPrefetch, SERVICE_ID } from '../helpers/requests.js';
import { freePort, startService, type RunningService } from '../helpers/service.js';

/**
 * Issue 8, "FHIR faults": the EHR's FHIR server misbehaves and the hook still answers 200 within its deadline, with
 * the cards the rest of the data supports and an info card naming what could not be read.
 *
 * A fault proxy (node:http on 127.0.0.1, port 0) stands in front of the real embedded FHIR server process. Each
 * scenario gets its own base URL `http://127.0.0.1:<port>/s/<n>/fhir`; queries for the faulted resource types get
 * the fault, every other query is forwarded to the real server (its `next` links rewritten to stay on the proxy).
 */

type FaultKind =
  | 'hang' // accepts the request, never answers
  | 'drip' // answers 200 and sends the body one byte at a time, forever
  | 'http-500'
  | 'http-401'
  | 'invalid-json'
  | 'next-loop' // every page links to a new page, forever
  | 'next-self' // the page links to itself
  | 'huge' // a 50 MB Bundle, chunked (no content-length)
  | 'huge-declared'; // a 50 MB Bundle with content-length

interface Scenario {
  kind: FaultKind;
  /** Resource types that get the fault ('*': all). */
  types: readonly string[] | '*';
  /** Requests that got the fault, and bytes sent for them. */
  faulted: number;
  bytesSent: number;
}

const FIFTY_MB = 50 * 1024 * 1024;
const DEFAULT_DEADLINE_MS = 3000;

class FaultProxy {
  private readonly scenarios: Scenario[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: Server;
  origin = '';

  constructor(private readonly realBase: string) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A FHIR base URL whose `types` queries get `kind`. */
  scenario(kind: FaultKind, types: readonly string[] | '*'): { base: string; state: Scenario } {
    const state: Scenario = { kind, types, faulted: 0, bytesSent: 0 };
    this.scenarios.push(state);
    return { base: `${this.origin}/s/${this.scenarios.length - 1}/fhir`, state };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const match = /^\/s\/(\d+)\/fhir\/(.*)$/.exec(req.url ?? '');
    const state = match ? this.scenarios[Number(match[1])] : undefined;
    if (!match || !state) return res.writeHead(404).end();
    const rest = match[2] ?? '';
    const type = /^[A-Za-z]+/.exec(rest)?.[0] ?? '';
    const base = `${this.origin}/s/${match[1]}/fhir`;
    if (state.types !== '*' && !state.types.includes(type)) return this.forward(rest, base, res);
    state.faulted += 1;
    const json = { 'content-type': 'application/fhir+json' };
    const send = (status: number, body: string, headers: Record<string, string> = json) => {
      state.bytesSent += Buffer.byteLength(body);
      res.writeHead(status, headers).end(body);
    };
    switch (state.kind) {
      case 'hang':
        return; // the socket stays open until the client gives up
      case 'drip': {
        res.writeHead(200, json);
        res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
        const timer = setInterval(() => res.write(' '), 100);
        this.timers.add(timer);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case 'http-500':
        return send(500, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'fatal', code: 'exception' }] }));
      case 'http-401':
        return send(401, JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] }), {
          ...json,
          'www-authenticate': 'Bearer error="invalid_token"',
        });
      case 'invalid-json':
        return send(200, '{"resourceType":"Bundle","type":"searchset","entry":[{"resource":');
      case 'next-loop': {
        const page = Number(new URL(rest, 'http://x/').searchParams.get('_page') ?? '1');
        return send(200, JSON.stringify(searchset([], `${base}/${type}?patient=${SEED_000}&_page=${page + 1}`)));
      }
      case 'next-self':
        return send(200, JSON.stringify(searchset([], `${base}/${rest}`)));
      case 'huge':
      case 'huge-declared':
        return this.streamHuge(state, res, type);
    }
  }

  /** A 50 MB searchset of small resources of `type`, written as fast as the client reads it, stopped when it hangs up. */
  private streamHuge(state: Scenario, res: ServerResponse, type: string) {
    const entry = JSON.stringify({ resource: { resourceType: type, id: 'x', status: 'final', code: { text: 'padding '.repeat(100) } } });
    const head = '{"resourceType":"Bundle","type":"searchset","entry":[';
    const tail = ']}';
    const chunk = Buffer.from(Array.from({ length: Math.floor(65_536 / (entry.length + 1)) }, () => entry).join(',') + ',');
    const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
    if (state.kind === 'huge-declared') headers['content-length'] = String(FIFTY_MB);
    res.writeHead(200, headers);
    res.write(head);
    let sent = head.length;
    let closed = false;
    res.on('close', () => (closed = true));
    const pump = () => {
      while (!closed && sent + chunk.length < FIFTY_MB - 1024) {
        sent += chunk.length;
        state.bytesSent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (closed) return;
      const pad = FIFTY_MB - sent - entry.length - tail.length;
      res.end(`${' '.repeat(Math.max(0, pad))}${entry}${tail}`);
    };
    pump();
  }

  private async forward(rest: string, proxyBase: string, res: ServerResponse) {
    const upstream = await fetch(`${this.realBase}/${rest}`, { headers: { accept: 'application/fhir+json' } });
    const text = (await upstream.text()).replaceAll(this.realBase, proxyBase);
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/fhir+json' }).end(text);
  }
}

function searchset(entry: unknown[], next: string) {
  return { resourceType: 'Bundle', type: 'searchset', entry, link: [{ relation: 'next', url: next }] };
}

let fhir: FhirServerProcess;
let proxy: FaultProxy;
let service: RunningService;
/** The seed patient's data the EHR prefetches in some scenarios (everything but observations). */
let prefetchButObservations: Record<string, unknown>;

beforeAll(async () => {
  fhir = await startFhirServer();
  proxy = new FaultProxy(fhir.url);
  await proxy.start();
  // The default configuration: HOOK_DEADLINE_MS 3000, FHIR_MAX_RESPONSE_BYTES 10 MiB, FHIR_PAGE_CAP 20.
  service = await startService();
  prefetchButObservations = await readPrefetch(fhir.url, SEED_000, ['patient', 'conditions', 'medications', 'reports']);
});

afterAll(async () => {
  await service?.stop();
  await proxy?.stop();
  await fhir?.stop();
});

const PATIENT_VIEW = `/cds-services/${SERVICE_ID['patient-view']}`;
const OBSERVATIONS = 'observations (labs, vital signs, pathology findings)';

async function callHook(fhirServer: string, prefetch?: Record<string, unknown>, target: RunningService = service) {
  const started = performance.now();
  const res = await target.call<CdsResponse>(PATIENT_VIEW, { json: patientViewRequest(SEED_000, { fhirServer, ...(prefetch ? { prefetch } : {}) }) });
  return { ...res, elapsedMs: performance.now() - started };
}

/** The data-unavailable card's lines (`- what: why`). */
function unavailable(body: CdsResponse): string[] {
  const cards = cardsWithTopic(body, DATA_UNAVAILABLE);
  if (cards.length !== 1 || cards[0]?.indicator !== 'info') throw new Error(`expected one info data-unavailable card, got ${JSON.stringify(cards)}`);
  return (cards[0]?.detail ?? '')
    .split('\n')
    .filter((line) => line.startsWith('- '))
    .map((line) => line.slice(2));
}

describe('precondition', () => {
  it('through the proxy without a fault, the seed patient gets the stop-ADT card and no data-unavailable card', async () => {
    const { base, state } = proxy.scenario('http-500', []);
    const res = await callHook(base);
    expect(res.status).toBe(200);
    expect(cardsWithTopic(res.body, STOP_ADT)).toHaveLength(1);
    expect(cardsWithTopic(res.body, DATA_UNAVAILABLE)).toEqual([]);
    expect(state.faulted).toBe(0);
  });
});

// Concurrent: each scenario has its own base URL, and the hanging ones take most of the deadline.
describe.concurrent('one resource type fails: 200 within the deadline, the cards the other data supports, the failure named', () => {
  it.for<[FaultKind, RegExp]>([
    ['hang', /did not answer within the time this service has to answer the EHR/],
    ['drip', /did not answer within the time this service has to answer the EHR/],
    ['http-500', /answered HTTP 500/],
    ['http-401', /refused access \(HTTP 401\)/],
    ['invalid-json', /sent invalid JSON/],
    ['next-loop', /only the first pages were read/],
    ['next-self', /only the first pages were read/],
    ['huge', /larger than 10 MB and was not read/],
    ['huge-declared', /larger than 10 MB and was not read/],
  ])('%s (Observation queries)', async ([kind, reason], { expect }) => {
    const { base, state } = proxy.scenario(kind, ['Observation']);
    const res = await callHook(base);
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(DEFAULT_DEADLINE_MS);
    expect(state.faulted).toBeGreaterThan(0);
    expect(cardsWithTopic(res.body, STOP_ADT)).toHaveLength(1);
    const lines = unavailable(res.body);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${OBSERVATIONS.replace(/[()]/g, '\\$&')}: `));
    expect(lines[0]).toMatch(reason);
    if (kind === 'next-loop') expect(state.faulted).toBe(service.config.fhir.pageCap);
    if (kind === 'huge') expect(state.bytesSent).toBeLessThan(FIFTY_MB / 2);
    if (kind === 'hang' || kind === 'drip') expect(res.elapsedMs).toBeGreaterThan(DEFAULT_DEADLINE_MS - 1000);
  });
});

describe.concurrent('every query fails', () => {
  it('connection refused (closed port): the prefetched data still gives its cards; what had to be fetched is named', async ({ expect }) => {
    const closed = `http://127.0.0.1:${await freePort()}/fhir`;
    const res = await callHook(closed, prefetchButObservations);
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(DEFAULT_DEADLINE_MS);
    expect(cardsWithTopic(res.body, STOP_ADT)).toHaveLength(1);
    const lines = unavailable(res.body);
    expect(lines).toContain(`${OBSERVATIONS}: the FHIR server could not be reached`);
    expect(lines.every((line) => line.endsWith('the FHIR server could not be reached'))).toBe(true);
    expect(lines.some((line) => line.startsWith('conditions'))).toBe(false);
  });

  it('every query hangs and nothing was prefetched: 200 within the deadline, every data source named', async ({ expect }) => {
    const { base, state } = proxy.scenario('hang', '*');
    const res = await callHook(base);
    expect(res.status).toBe(200);
    expect(res.elapsedMs).toBeLessThan(DEFAULT_DEADLINE_MS);
    expect(state.faulted).toBe(9);
    const lines = unavailable(res.body);
    expect(lines).toHaveLength(9);
    expect(lines.every((line) => /did not answer within the time/.test(line))).toBe(true);
    expect(res.body.cards).toHaveLength(1); // nothing to advise on without data; said so
  });

  it('401 on every query with part of the data prefetched: the prefetched part still gives its cards', async ({ expect }) => {
    const { base } = proxy.scenario('http-401', '*');
    const res = await callHook(base, prefetchButObservations);
    expect(res.status).toBe(200);
    expect(cardsWithTopic(res.body, STOP_ADT)).toHaveLength(1);
    expect(unavailable(res.body)).toContain(`${OBSERVATIONS}: the FHIR server refused access (HTTP 401)`);
  });
});

describe('the deadline is configurable', () => {
  it('HOOK_DEADLINE_MS=1000: a hanging FHIR server costs under a second', async () => {
    const quick = await startService({ env: { HOOK_DEADLINE_MS: '1000' } });
    try {
      const { base } = proxy.scenario('hang', ['Observation', 'DiagnosticReport']);
      const res = await callHook(base, undefined, quick);
      expect(res.status).toBe(200);
      expect(res.elapsedMs).toBeLessThan(1000);
      expect(unavailable(res.body)).toHaveLength(2);
    } finally {
      await quick.stop();
    }
  });
});

describe('logs', () => {
  it('no fault produced an unexpected error', () => {
    expect(service.logRecords().filter((r) => r.msg === 'unexpected error')).toEqual([]);
  });
});
