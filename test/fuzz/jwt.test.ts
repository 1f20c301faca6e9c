import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp, defaultDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { AuthUnavailable, Unauthorized } from '../../src/errors.js';
import { createJwtVerifier } from '../../src/hooks/auth.js';
import { sharedTestDatabase } from '../helpers/database.js';
import { createTestIssuer } from '../helpers/jwt.js';

/**
 * Issue 8, "JWT attack suite": test/hooks/auth.test.ts has each named attack (alg none, HS256 with the public key,
 * wrong key, expired, nbf, aud of another service, untrusted iss, jku elsewhere, jwk in the header, unknown kid,
 * replayed jti, oversized, JWKS down). Added here: the two the list names that it does not test on their own — an
 * `aud` of another host and an `x5u` header — and a property over tokens with mutated claims and headers, signed
 * with the issuer's real key: a token is accepted only if every check it must pass holds, and a refusal is always a
 * 401 (or 503), never another error.
 */

const NOW = new Date('2026-06-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const ISS = 'https://ehr.example.org/fhir';
const AUD = 'https://cds.example.org/cds-services/nec-patient-view';
const KID = 'es-1';
const SKEW = 60;
const MAX_LIFETIME = 3600;
const ALLOWED = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

let privateKey: CryptoKey;
let verifierFor: () => ReturnType<typeof createJwtVerifier>;

beforeAll(async () => {
  const pair = await generateKeyPair('ES384');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES384', use: 'sig' } as { kty: string };
  verifierFor = () =>
    createJwtVerifier({ trustedClients: [{ iss: ISS, jwks: { keys: [jwk] } }], clockSkewSeconds: SKEW, maxLifetimeSeconds: MAX_LIFETIME, now: () => NOW });
});

const claims = (over: JWTPayload = {}): JWTPayload => ({ iss: ISS, aud: AUD, iat: T, exp: T + 300, jti: randomUUID(), ...over });

function sign(payload: JWTPayload, header: Record<string, unknown> = {}) {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES384', kid: KID, typ: 'JWT', ...header }).sign(privateKey);
}

async function refusal(promise: Promise<unknown>): Promise<Error | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
}

describe('attacks the list names that auth.test.ts does not test on their own', () => {
  it('rejects an aud naming the same path on another host', async () => {
    const token = await sign(claims({ aud: 'https://evil.example.org/cds-services/nec-patient-view' }));
    const err = await refusal(verifierFor().verify(`Bearer ${token}`, [AUD]));
    expect(err).toBeInstanceOf(Unauthorized);
    expect(err?.message).toMatch(/wrong audience/);
  });

  it('rejects an x5u header pointing at a key elsewhere, without fetching it', async () => {
    const token = await sign(claims(), { x5u: 'http://127.0.0.1:9/cert.pem' });
    const err = await refusal(verifierFor().verify(`Bearer ${token}`, [AUD]));
    expect(err).toBeInstanceOf(Unauthorized);
    expect(err?.message).toMatch(/"x5u" is not accepted/);
  });

  it('rejects an x5c header carrying a certificate chain', async () => {
    const token = await sign(claims(), { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] });
    expect(await refusal(verifierFor().verify(`Bearer ${token}`, [AUD]))).toBeInstanceOf(Unauthorized);
  });
});

/** The checks a token must pass to be accepted, written independently of src/hooks/auth.ts (the oracle). */
function shouldAccept(payload: Record<string, unknown>, header: Record<string, unknown>): boolean {
  const aud = payload.aud;
  const audOk = aud === AUD || (Array.isArray(aud) && aud.includes(AUD));
  const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const { iat, exp, nbf, jti } = payload;
  return (
    payload.iss === ISS &&
    audOk &&
    num(exp) &&
    (exp as number) > T - SKEW &&
    num(iat) &&
    (iat as number) <= T + SKEW &&
    (exp as number) - (iat as number) <= MAX_LIFETIME &&
    (nbf === undefined || (num(nbf) && (nbf as number) <= T + SKEW)) &&
    typeof jti === 'string' &&
    jti.length > 0 &&
    ALLOWED.includes(String(header.alg)) &&
    header.kid === KID &&
    (header.typ === undefined || header.typ === 'JWT') &&
    // jku is only a hint, ignored when the issuer's keys are configured inline (as here; auth.test.ts covers jwksUrl).
    !['jwk', 'x5u', 'x5c'].some((k) => k in header)
  );
}

const claimValue = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom<unknown>(ISS, AUD, [AUD], [AUD, 'x'], 'https://evil.example', T, T - 100_000, T + 100_000, T + 59, T - 59, T + 61, -1, 0, 1e20, '', null),
);
const headerValue = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom<unknown>('none', 'HS256', 'ES384', 'RS384', KID, 'other-kid', 'JWT', 'at+jwt', 'https://evil.example/jwks.json'),
);
const tokenCase = fc.record({
  claimEdits: fc.array(fc.tuple(fc.constantFrom('iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub', 'tenant'), fc.option(claimValue)), { maxLength: 3 }),
  headerEdits: fc.array(fc.tuple(fc.constantFrom('kid', 'typ', 'jku', 'x5u', 'jwk', 'crit', 'b64'), fc.option(headerValue)), { maxLength: 2 }),
});

describe('mutated tokens signed with the real key', () => {
  it('600 cases: accepted exactly when every check holds; refused only with 401 or 503', async () => {
    let accepted = 0;
    let refused = 0;
    let knownOutOfRange = 0;
    await fc.assert(
      fc.asyncProperty(tokenCase, async ({ claimEdits, headerEdits }) => {
        const payload: Record<string, unknown> = { ...claims() };
        for (const [k, v] of claimEdits) {
          if (v === null) delete payload[k];
          else payload[k] = v;
        }
        const header: Record<string, unknown> = { alg: 'ES384', kid: KID, typ: 'JWT' };
        for (const [k, v] of headerEdits) {
          if (v === null) delete header[k];
          else header[k] = v;
        }
        let token: string;
        try {
          token = await new SignJWT(payload as JWTPayload).setProtectedHeader(header as { alg: string }).sign(privateKey);
        } catch {
          return; // jose will not sign it (e.g. crit, b64): nothing to send
        }
        const err = await refusal(verifierFor().verify(`Bearer ${token}`, [AUD]));
        if (err) {
          refused++;
          if (err.name === 'RangeError' && /Invalid time value/.test(err.message)) {
            knownOutOfRange++; // KNOWN GAP, reproduced below
            return;
          }
          expect(err instanceof Unauthorized || err instanceof AuthUnavailable, `${err.name}: ${err.message}`).toBe(true);
          if (shouldAccept(payload, header)) throw new Error(`refused a token every check accepts: ${err.message} ${JSON.stringify({ payload, header })}`);
        } else {
          accepted++;
          if (!shouldAccept(payload, header)) throw new Error(`accepted a token a check refuses: ${JSON.stringify({ payload, header })}`);
        }
      }),
      { seed: 20_261_123, numRuns: 600, endOnFailure: true },
    );
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(200);
    console.info(`JWT fuzz: 600 cases, ${accepted} accepted, ${refused} refused (${knownOutOfRange} by the known out-of-range date gap)`);
  }, 60_000);
});

describe('a signed token whose exp (or nbf, iat) is beyond the Date range', () => {
  // Only a token signed by a trusted key gets that far (the signature is checked first).
  it('the verifier refuses it with Unauthorized, not a RangeError', async () => {
    const token = await sign(claims({ exp: -2e28 }));
    expect(await refusal(verifierFor().verify(`Bearer ${token}`, [AUD]))).toBeInstanceOf(Unauthorized);
  });

  it('over HTTP the service fails closed: 401 with a readable message, never 500', async () => {
    const issuer = await createTestIssuer();
    const config = loadConfig({ CDS_AUTH: 'required', CDS_TRUSTED_CLIENTS: JSON.stringify([issuer.trustedClient]), PUBLIC_BASE_URLS: 'http://fuzz.test' });
    const app = await buildApp(config, { ...defaultDeps(config), logger: pino({ level: 'silent' }), database: await sharedTestDatabase() });
    try {
      const token = await issuer.sign({ aud: 'http://fuzz.test/cds-services', exp: -2e28 });
      const res = await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'unauthorized', message: expect.stringMatching(/^JWT has expired: exp -2e\+?28/) });
    } finally {
      await app.close();
    }
  });
});
