import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { SEED_000 } from '../helpers/cards.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { patientViewRequest, SERVICE_ID } from '../helpers/requests.js';
import { startService, type RunningService } from '../helpers/service.js';

/**
 * Issue 8, "Limits": body size, request time-out, rate limit per client, security headers — each configurable through
 * src/config.ts, each shown here over real HTTP on 127.0.0.1.
 */

interface ErrorBody {
  error: string;
  message: string;
}

const PATIENT_VIEW = `/cds-services/${SERVICE_ID['patient-view']}`;
/** A complete request that needs no FHIR server: every key prefetched as "no data" (null). */
const nullPrefetch = Object.fromEntries(
  ['patient', 'conditions', 'medications', 'medicationStatements', 'medicationAdministrations', 'reports', 'observations', 'serviceRequests', 'procedures'].map(
    (k) => [k, null],
  ),
);
const smallRequest = () => patientViewRequest(SEED_000, { prefetch: nullPrefetch });

function expectReadableError(res: { status: number; body: unknown; headers: Headers }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = res.body as ErrorBody;
  expect(body.error).toBe(code);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(10);
}

describe('configuration of the limits', () => {
  it('defaults: 3 s hook deadline, 5 MiB body, 10 s request time-out, 1200 requests per minute per client, 10 MiB FHIR answers, headers on', () => {
    const config = loadConfig({ CDS_AUTH: 'disabled' });
    expect(config.limits).toEqual({ hookDeadlineMs: 3000, bodyLimitBytes: 5_242_880, requestTimeoutMs: 10_000, rateLimit: { max: 1200, windowMs: 60_000 } });
    expect(config.fhir.maxResponseBytes).toBe(10_485_760);
    expect(config.securityHeaders).toEqual({ enabled: true, hstsMaxAgeSeconds: 31_536_000 });
  });

  it('RATE_LIMIT_MAX=0 turns the rate limit off', () => {
    expect(loadConfig({ CDS_AUTH: 'disabled', RATE_LIMIT_MAX: '0' }).limits.rateLimit).toBeUndefined();
  });

  it.each([
    [{ BODY_LIMIT_BYTES: '10' }, /BODY_LIMIT_BYTES: /],
    [{ HOOK_DEADLINE_MS: 'soon' }, /HOOK_DEADLINE_MS: /],
    [{ RATE_LIMIT_WINDOW_MS: '5' }, /RATE_LIMIT_WINDOW_MS: /],
    [{ SECURITY_HEADERS: 'maybe' }, /SECURITY_HEADERS: /],
    [{ FHIR_MAX_RESPONSE_BYTES: '-1' }, /FHIR_MAX_RESPONSE_BYTES: /],
    [{ REQUEST_TIMEOUT_MS: '2000', HOOK_DEADLINE_MS: '3000' }, /REQUEST_TIMEOUT_MS: must be longer than HOOK_DEADLINE_MS/],
  ])('a bad value (%o) stops start-up naming the variable', (env, message) => {
    expect(() => loadConfig({ CDS_AUTH: 'disabled', ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ CDS_AUTH: 'disabled', ...env })).toThrow(message);
  });
});

describe('body size limit (BODY_LIMIT_BYTES)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ env: { BODY_LIMIT_BYTES: '4096' } });
  });
  afterAll(() => service?.stop());

  it('a body under the limit is served', async () => {
    const res = await service.call(PATIENT_VIEW, { json: smallRequest() });
    expect(res.status).toBe(200);
  });

  it('413 with a readable JSON message above it (declared length)', async () => {
    const res = await service.call(PATIENT_VIEW, { json: { ...smallRequest(), padding: 'x'.repeat(5000) } });
    expectReadableError(res, 413, 'payload-too-large');
  });

  it('413 above it when the body comes chunked without a length', async () => {
    const body = JSON.stringify({ ...smallRequest(), padding: 'x'.repeat(5000) });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    });
    const res = await fetch(service.url(PATIENT_VIEW), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectReadableError({ status: res.status, headers: res.headers, body: await res.json() }, 413, 'payload-too-large');
  });
});

describe('request time-out (REQUEST_TIMEOUT_MS)', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ env: { REQUEST_TIMEOUT_MS: '1000', HOOK_DEADLINE_MS: '500' } });
  });
  afterAll(() => service?.stop());

  /** Opens a raw connection, sends `head` then one byte of `drip` every 200 ms; resolves with what the server sent and when it closed. */
  function slowClient(head: string, drip: string) {
    const port = Number(new URL(service.baseUrl).port);
    return new Promise<{ response: string; closedAfterMs: number }>((resolve, reject) => {
      const started = performance.now();
      const socket = connect(port, '127.0.0.1');
      let response = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < drip.length && !socket.destroyed) socket.write(drip[i++] ?? '');
      }, 200);
      const guard = setTimeout(() => {
        socket.destroy();
        reject(new Error(`the server kept a slow request open for 8 s: ${response}`));
      }, 8000);
      socket.on('connect', () => socket.write(head));
      socket.on('data', (chunk) => (response += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        clearTimeout(guard);
        resolve({ response, closedAfterMs: performance.now() - started });
      });
    });
  }

  it('a body that never finishes arriving gets 408 and the connection closed, about REQUEST_TIMEOUT_MS later', async () => {
    const body = JSON.stringify(smallRequest());
    const head = `POST ${PATIENT_VIEW} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`;
    const { response, closedAfterMs } = await slowClient(head, body.slice(10));
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeGreaterThan(900);
    expect(closedAfterMs).toBeLessThan(3000);
  });

  it('headers sent one byte at a time (slowloris) are cut off too', async () => {
    const { response, closedAfterMs } = await slowClient('', `GET /cds-services HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(100)}\r\n\r\n`);
    expect(response === '' || /^HTTP\/1\.1 408/.test(response)).toBe(true);
    expect(closedAfterMs).toBeLessThan(3000);
  });

  it('a normal request on the same service is unaffected', async () => {
    expect((await service.call(PATIENT_VIEW, { json: smallRequest() })).status).toBe(200);
  });
});

describe('rate limit per client (RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS)', () => {
  const MAX = 5;
  let issuerA: TestIssuer;
  let issuerB: TestIssuer;
  let withAuth: RunningService;
  let withoutAuth: RunningService;

  beforeAll(async () => {
    [issuerA, issuerB] = await Promise.all([
      createTestIssuer('https://ehr-a.test.example/fhir', 'a-1'),
      createTestIssuer('https://ehr-b.test.example/fhir', 'b-1'),
    ]);
    const env = { RATE_LIMIT_MAX: String(MAX), RATE_LIMIT_WINDOW_MS: '60000' };
    withAuth = await startService({ issuer: issuerA, env: { ...env, CDS_TRUSTED_CLIENTS: JSON.stringify([issuerA.trustedClient, issuerB.trustedClient]) } });
    withoutAuth = await startService({ env });
  });
  afterAll(async () => {
    await withAuth?.stop();
    await withoutAuth?.stop();
  });

  const signedBy = (issuer: TestIssuer, service: RunningService, path: string) => issuer.sign({ aud: service.url(path) });

  it('auth on: the limit is per verified issuer — A gets 429 after MAX calls, B is still served', async () => {
    for (let i = 0; i < MAX; i++) {
      const res = await withAuth.call(PATIENT_VIEW, { json: smallRequest(), token: await signedBy(issuerA, withAuth, PATIENT_VIEW) });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(MAX - i - 1));
    }
    const refused = await withAuth.call(PATIENT_VIEW, { json: smallRequest(), token: await signedBy(issuerA, withAuth, PATIENT_VIEW) });
    expectReadableError(refused, 429, 'too-many-requests');
    expect((refused.body as ErrorBody).message).toMatch(/may make 5 requests per 1 minute; retry in (\d+ seconds?|1 minute)$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Discovery counts against the same budget; issuer B has its own.
    expect((await withAuth.call('/cds-services', { token: await signedBy(issuerA, withAuth, '/cds-services') })).status).toBe(429);
    const other = await withAuth.call(PATIENT_VIEW, { json: smallRequest(), token: await signedBy(issuerB, withAuth, PATIENT_VIEW) });
    expect(other.status).toBe(200);
  });

  it('auth on: an unauthenticated caller gets 401, not 429, and is not counted against a client', async () => {
    const res = await withAuth.call(PATIENT_VIEW, { json: smallRequest(), token: null });
    expect(res.status).toBe(401);
  });

  it('health probes and CORS preflights are never limited (and preflights still need no token)', async () => {
    for (let i = 0; i < MAX + 2; i++) {
      expect((await withAuth.call('/healthz')).status).toBe(200);
      const preflight = await withAuth.call(PATIENT_VIEW, {
        method: 'OPTIONS',
        token: null,
        headers: {
          origin: 'https://sandbox.cds-hooks.org',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('auth off: the limit is per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < MAX + 1; i++) statuses.push((await withoutAuth.call(PATIENT_VIEW, { json: smallRequest() })).status);
    expect(statuses).toEqual([...Array<number>(MAX).fill(200), 429]);
  });
});

describe('security headers (SECURITY_HEADERS, HSTS_MAX_AGE_SECONDS)', () => {
  let on: RunningService;
  let off: RunningService;
  beforeAll(async () => {
    [on, off] = await Promise.all([startService(), startService({ env: { SECURITY_HEADERS: 'off' } })]);
  });
  afterAll(async () => {
    await on?.stop();
    await off?.stop();
  });

  it.each(['/cds-services', '/healthz', '/no-such-route'])('on (default): %s carries the JSON-API headers', async (path) => {
    const res = await on.call(path);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('content-security-policy')).toBeNull();
  });

  it('hook answers and errors are never cached', async () => {
    expect((await on.call(PATIENT_VIEW, { json: smallRequest() })).headers.get('cache-control')).toBe('no-store');
    expect((await on.call(PATIENT_VIEW, { rawBody: '{' })).headers.get('cache-control')).toBe('no-store');
  });

  it('unknown routes answer 404 with a readable JSON message', async () => {
    expectReadableError(await on.call('/no-such-route'), 404, 'not-found');
    expectReadableError(await on.call('/cds-services/x/y/z', { method: 'POST', json: {} }), 404, 'not-found');
  });

  it('off: none of them', async () => {
    const res = await off.call('/cds-services');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-frame-options')).toBeNull();
    expect(res.headers.get('strict-transport-security')).toBeNull();
  });
});
