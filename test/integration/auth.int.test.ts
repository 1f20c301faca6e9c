import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, generateSigningKey, type TestIssuer } from '../helpers/jwt.js';
import { patientViewRequest, PREFETCH_KEYS, SERVICE_ID } from '../helpers/requests.js';
import { startService, type CallResult, type RunningService } from '../helpers/service.js';

/**
 * Authentication of CDS clients (CDS Hooks 2.0 §Trusting CDS Clients) over real HTTP: ES384 JWTs signed with a key
 * pair generated here, trusted through CDS_TRUSTED_CLIENTS with an inline JWK Set.
 */

interface ErrorBody {
  error: string;
  message: string;
}

const PATIENT_VIEW = `/cds-services/${SERVICE_ID['patient-view']}`;
/** The EHR answered every prefetch key with "no data": a complete request that needs no FHIR server. */
const body = () => patientViewRequest('auth-test-patient', { prefetch: Object.fromEntries(PREFETCH_KEYS.map((k) => [k, null])) });

let issuer: TestIssuer;
let service: RunningService;
let aud: string;

beforeAll(async () => {
  issuer = await createTestIssuer();
  service = await startService({ issuer });
  aud = service.url(PATIENT_VIEW);
});

afterAll(async () => {
  await service?.stop();
});

const callWith = (token: string | null) => service.call<ErrorBody>(PATIENT_VIEW, { json: body(), token });

/** 401 with a readable message, and nothing of the token in the body. */
function expectRejected(res: CallResult<ErrorBody>, token: string | null, message?: RegExp) {
  expect(res.status).toBe(401);
  expect(res.body.message).toEqual(expect.any(String));
  expect(res.body.message.length).toBeGreaterThan(10);
  if (message) expect(res.body.message).toMatch(message);
  if (token) {
    expect(res.text).not.toContain(token);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(res.text).not.toContain(part);
  }
}

describe('service calls', () => {
  it('401 without an Authorization header', async () => {
    expectRejected(await callWith(null), null, /Authorization/);
  });

  it('200 with a valid token', async () => {
    const res = await callWith(await issuer.sign({ aud }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ cards: [] });
  });

  it('200 with aud as an array holding the URL called', async () => {
    const res = await callWith(await issuer.sign({ aud: ['https://other.example/cds-services', aud] }));
    expect(res.status).toBe(200);
  });

  it('401 for a token signed by another key with the same kid', async () => {
    const stranger = await generateSigningKey(issuer.kid);
    const token = await issuer.sign({ aud }, { privateKey: stranger.privateKey });
    expectRejected(await callWith(token), token, /signature/i);
  });

  it('401 for an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign({ aud, iat: now - 900, exp: now - 600 });
    expectRejected(await callWith(token), token, /expired|exp/i);
  });

  it("401 for a token addressed to another service's URL", async () => {
    const token = await issuer.sign({ aud: service.url(`/cds-services/${SERVICE_ID['order-sign']}`) });
    expectRejected(await callWith(token), token, /aud/i);
  });

  it('401 for an untrusted issuer', async () => {
    const token = await issuer.sign({ aud, iss: 'https://untrusted.example/fhir' });
    expectRejected(await callWith(token), token, /issuer|iss/i);
  });

  it('401 for a replayed jti (the same token twice)', async () => {
    const token = await issuer.sign({ aud });
    expect((await callWith(token)).status).toBe(200);
    expectRejected(await callWith(token), token, /replay|already used/i);
  });

  it('401 for an alg "none" token', async () => {
    const token = issuer.unsigned({ aud });
    expectRejected(await callWith(token), token, /alg/i);
  });
});

describe('discovery and feedback', () => {
  it('discovery requires a token', async () => {
    expectRejected(await service.call<ErrorBody>('/cds-services', { token: null }), null);
  });

  it('discovery accepts a token with aud = <base>/cds-services', async () => {
    const res = await service.call('/cds-services', { token: await issuer.sign({ aud: service.url('/cds-services') }) });
    expect(res.status).toBe(200);
  });

  it("discovery rejects a token addressed to a service's URL", async () => {
    const token = await issuer.sign({ aud });
    expectRejected(await service.call<ErrorBody>('/cds-services', { token }), token);
  });

  it('feedback accepts a token with aud = <base>/cds-services/<id>/feedback', async () => {
    const path = `${PATIENT_VIEW}/feedback`;
    const json = { feedback: [{ card: 'c0a8e2c2-4d0e-4f6e-9a57-2c1a1c9d3b11', outcome: 'overridden', outcomeTimestamp: '2026-11-23T10:05:31Z' }] };
    expectRejected(await service.call<ErrorBody>(path, { json, token: null }), null);
    // Accepted: the answer is about the card (which this service never returned), not about the token.
    const res = await service.call<ErrorBody>(path, { json, token: await issuer.sign({ aud: service.url(path) }) });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('unknown-card');
  });
});
