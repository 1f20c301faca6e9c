import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardsWithTopic, DATA_UNAVAILABLE, STOP_ADT, type CdsResponse } from '../helpers/cards.js';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import {
  CAPTURE_TIME,
  decodeToken,
  readCaptured,
  replay,
  SANDBOX_ISSUER,
  SANDBOX_JKU,
  SANDBOX_ORIGIN,
  type CapturedRequest,
} from '../helpers/sandbox-capture.js';
import { startService, type RunningService } from '../helpers/service.js';

/**
 * Issue 6: fresh tokens signed the way the CDS Hooks Sandbox signs them (header alg ES384, typ JWT, kid, jku;
 * claims iss, aud, exp = iat + 300, iat, jti; no sub, no nbf) — with a key made here, since the Sandbox's own
 * private key is not in this repository — for a service on its default PUBLIC_BASE_URLS, reached the two ways a
 * user types the Sandbox's discovery URL: `http://localhost:<port>` and `http://127.0.0.1:<port>`. The Sandbox
 * puts the URL as typed into `aud` (and the browser into Host).
 */

const HOSTS = ['localhost', '127.0.0.1'] as const;

let fhir: FhirServerProcess;
let sandbox: TestIssuer;
let service: RunningService;
let port: string;

beforeAll(async () => {
  [fhir, sandbox] = await Promise.all([startFhirServer(), createTestIssuer(SANDBOX_ISSUER, 'sandbox-es384-test')]);
  // PUBLIC_BASE_URLS empty = unset: the default, http://localhost:$PORT and http://127.0.0.1:$PORT.
  service = await startService({ issuer: sandbox, env: { PUBLIC_BASE_URLS: '' }, now: () => CAPTURE_TIME });
  port = new URL(service.baseUrl).port;
});

afterAll(async () => {
  await service?.stop();
  await fhir?.stop();
});

/** The Sandbox's token for `url`: its header (with jku) and only the claims it sends. */
const sandboxToken = (url: string) => sandbox.sign({ aud: url }, { header: { jku: SANDBOX_JKU } });

/** A request as the Sandbox in a browser at http://<host>:<port> sends it, carrying a fresh Sandbox-style token. */
async function sandboxRequest(host: (typeof HOSTS)[number], path: string, body: Record<string, unknown> | null): Promise<CapturedRequest> {
  const origin = `http://${host}:${port}`;
  return {
    method: body ? 'POST' : 'GET',
    path,
    headers: {
      host: `${host}:${port}`,
      accept: 'application/json',
      origin: SANDBOX_ORIGIN,
      authorization: `Bearer ${await sandboxToken(`${origin}${path}`)}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body,
  };
}

/** A captured hook body with a new hookInstance and `fhirServer` pointed at the running FHIR server. */
function capturedBody(file: string): Record<string, unknown> {
  return { ...readCaptured(file).body, hookInstance: crypto.randomUUID(), fhirServer: fhir.url };
}

describe('a fresh token is shaped like the Sandbox’s', () => {
  it('header alg ES384, typ, kid, jku; claims iss, aud, exp = iat + 300, iat, jti only', async () => {
    const { header, claims } = decodeToken(await sandboxToken(`http://localhost:${port}/cds-services`));
    expect(Object.keys(header).sort()).toEqual(['alg', 'jku', 'kid', 'typ']);
    expect(header).toMatchObject({ alg: 'ES384', typ: 'JWT', jku: SANDBOX_JKU });
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti']);
    expect(claims.iss).toBe(SANDBOX_ISSUER);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300);
  });
});

describe.each(HOSTS)('the Sandbox opened with http://%s:<port>/cds-services', (host) => {
  it('discovery → 200', async () => {
    const res = await replay<{ services: unknown[] }>(service.baseUrl, await sandboxRequest(host, '/cds-services', null));
    expect(res.status, res.text).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body.services).toHaveLength(3);
  });

  let cardUuid: string | undefined;

  it('patient-view (the captured body) → 200 with the stop-ADT card', async () => {
    const res = await replay<CdsResponse>(service.baseUrl, await sandboxRequest(host, '/cds-services/nec-patient-view', capturedBody('patient-view.json')));
    expect(res.status, res.text).toBe(200);
    cardUuid = res.body.cards[0]?.uuid;
    expect(cardsWithTopic(res.body, STOP_ADT)).toHaveLength(1);
    expect(cardsWithTopic(res.body, DATA_UNAVAILABLE)).toEqual([]);
  });

  it('order-select with the enzalutamide draft → 200 with avoid-arpi-small-cell', async () => {
    const res = await replay<CdsResponse>(
      service.baseUrl,
      await sandboxRequest(host, '/cds-services/nec-order-select', capturedBody('order-select-3-with-medication.json')),
    );
    expect(res.status, res.text).toBe(200);
    expect(cardsWithTopic(res.body, 'avoid-arpi-small-cell')).toHaveLength(1);
  });

  it('order-sign → 200 with avoid-arpi-small-cell', async () => {
    const res = await replay<CdsResponse>(service.baseUrl, await sandboxRequest(host, '/cds-services/nec-order-sign', capturedBody('order-sign.json')));
    expect(res.status, res.text).toBe(200);
    expect(cardsWithTopic(res.body, 'avoid-arpi-small-cell')).toHaveLength(1);
  });

  it('feedback (aud = the feedback URL) → 200', async () => {
    // The captured Dismiss, re-pointed from the stub's card uuid to a card this service returned above.
    const captured = readCaptured('feedback-overridden.json').body as { feedback: Record<string, unknown>[] };
    const body = { feedback: captured.feedback.map((item) => ({ ...item, card: cardUuid })) };
    const res = await replay(service.baseUrl, await sandboxRequest(host, '/cds-services/nec-patient-view/feedback', body));
    expect(res.status, res.text).toBe(200);
  });
});

describe('aud must name this service as the Sandbox reached it', () => {
  it('a token for the capture’s stub URL (another port) → 401 naming the audiences expected', async () => {
    const request = await sandboxRequest('localhost', '/cds-services', null);
    request.headers.authorization = `Bearer ${await sandboxToken('http://127.0.0.1:8092/cds-services')}`;
    const res = await replay<{ message: string }>(service.baseUrl, request);
    expect(res.status).toBe(401);
    expect(res.body.message).toContain(`http://localhost:${port}/cds-services`);
  });
});
