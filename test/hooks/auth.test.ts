import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { TrustedClient } from '../../src/config.js';
import { AuthUnavailable, Unauthorized } from '../../src/errors.js';
import { createJwtVerifier, expectedAudiences, type JwtVerifierOptions } from '../../src/hooks/auth.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const ISS = 'https://ehr.example.org/fhir';
const AUD = 'https://cds.example.org/cds-services/nec-patient-view';
const EPIC_KID = 'q1+W/e3R=='; // Epic kids are base64 and may hold + / =

interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}
type PublicJwk = JWK & { kty: string };
let es: KeyPair;
let rs: KeyPair;
let other: KeyPair;
let jwks: { keys: PublicJwk[] };

async function publicJwk(key: CryptoKey, kid: string, alg: string): Promise<PublicJwk> {
  const { kty, ...rest } = await exportJWK(key);
  if (!kty) throw new Error('exported JWK has no kty');
  return { ...rest, kty, kid, alg, use: 'sig' };
}

beforeAll(async () => {
  [es, rs, other] = await Promise.all([generateKeyPair('ES384'), generateKeyPair('RS384'), generateKeyPair('ES384')]);
  jwks = { keys: [await publicJwk(es.publicKey, 'es-1', 'ES384'), await publicJwk(rs.publicKey, EPIC_KID, 'RS384')] };
});

function verifier(extra: Partial<JwtVerifierOptions> = {}) {
  return createJwtVerifier({
    trustedClients: [{ iss: ISS, jwks }],
    clockSkewSeconds: 60,
    maxLifetimeSeconds: 3600,
    now: () => NOW,
    ...extra,
  });
}

/** Sandbox-like claims: iss, aud, exp = iat + 300, iat, jti; no sub. */
const claims = (over: JWTPayload = {}): JWTPayload => ({ iss: ISS, aud: AUD, iat: T, exp: T + 300, jti: randomUUID(), ...over });

async function sign(
  payload: JWTPayload,
  { key = es.privateKey, alg = 'ES384', header = { kid: 'es-1', typ: 'JWT' } as Record<string, unknown> } = {},
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, ...header }).sign(key);
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function rejects(promise: Promise<unknown>, kind: typeof Unauthorized | typeof AuthUnavailable, message: RegExp, token?: string) {
  const err = await promise.then(
    () => expect.unreachable('verify() should have rejected'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(kind);
  const text = (err as Error).message;
  expect(text).toMatch(message);
  if (token) {
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(text).not.toContain(part);
  }
}

describe('createJwtVerifier: accepted tokens', () => {
  it('accepts a Sandbox-style ES384 token without sub', async () => {
    const payload = claims();
    const client = await verifier().verify(`Bearer ${await sign(payload)}`, [AUD]);
    expect(client).toEqual({ iss: ISS, jti: payload.jti });
  });

  it('accepts an Epic-style RS384 token with nbf, sub, a base64 kid and a 15-minute lifetime', async () => {
    const payload = claims({ nbf: T - 300, exp: T + 900, sub: 'epic-client-id', tenant: 'org-1' });
    const token = await sign(payload, { key: rs.privateKey, alg: 'RS384', header: { kid: EPIC_KID, typ: 'JWT' } });
    const client = await verifier().verify(`Bearer ${token}`, [AUD]);
    expect(client).toEqual({ iss: ISS, jti: payload.jti, sub: 'epic-client-id', tenant: 'org-1' });
  });

  it('accepts aud as an array, a trailing slash, and a lower-case bearer scheme', async () => {
    const token = await sign(claims({ aud: ['https://other.example/x', `${AUD}/`] }));
    await expect(verifier().verify(`bearer ${token}`, [AUD])).resolves.toMatchObject({ iss: ISS });
  });

  it('tolerates clock skew within clockSkewSeconds', async () => {
    const token = await sign(claims({ iat: T - 330, exp: T - 30 }));
    await expect(verifier().verify(`Bearer ${token}`, [AUD])).resolves.toMatchObject({ iss: ISS });
  });

  it('ignores a jku when the issuer key set is configured inline (it is never fetched)', async () => {
    const token = await sign(claims(), { header: { kid: 'es-1', typ: 'JWT', jku: 'http://127.0.0.1:9/never-fetched' } });
    await expect(verifier().verify(`Bearer ${token}`, [AUD])).resolves.toMatchObject({ iss: ISS });
  });
});

describe('createJwtVerifier: rejected tokens', () => {
  it('rejects a missing, non-Bearer or non-JWT Authorization header', async () => {
    const v = verifier();
    await rejects(v.verify(undefined, [AUD]), Unauthorized, /missing Authorization header/);
    await rejects(v.verify('Basic dXNlcjpwYXNz', [AUD]), Unauthorized, /Bearer scheme/);
    await rejects(v.verify('Bearer not-a-jwt', [AUD]), Unauthorized, /not a JWT in compact form/);
  });

  it('rejects an oversized token before parsing it', async () => {
    const token = await sign(claims({ padding: 'x'.repeat(9000) }));
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /too large/);
  });

  it('rejects a token signed with the wrong key (bad signature)', async () => {
    const token = await sign(claims(), { key: other.privateKey });
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /bad signature/, token);
  });

  it('rejects an expired token', async () => {
    const token = await sign(claims({ iat: T - 400, exp: T - 100 }));
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /expired/, token);
  });

  it('rejects a token whose nbf is in the future', async () => {
    const token = await sign(claims({ nbf: T + 120, exp: T + 600 }));
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /not yet valid/, token);
  });

  it('rejects a token issued in the future beyond the skew', async () => {
    const token = await sign(claims({ iat: T + 120, exp: T + 400 }));
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /iat .* in the future/, token);
  });

  it('rejects a token whose lifetime exceeds maxLifetimeSeconds', async () => {
    const token = await sign(claims({ exp: T + 7200 }));
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /lifetime .* exceeds .* 3600 s/, token);
  });

  it('rejects a wrong audience and names the expected one', async () => {
    const token = await sign(claims({ aud: 'https://cds.example.org/cds-services/other' }));
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, new RegExp(`wrong audience.*expected "${AUD}"`), token);
  });

  it('rejects an issuer that is not configured', async () => {
    const token = await sign(claims({ iss: 'https://evil.example' }));
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /issuer "https:\/\/evil.example" is not trusted/, token);
  });

  it('rejects the second use of a jti', async () => {
    const v = verifier();
    const token = await sign(claims());
    await v.verify(`Bearer ${token}`, [AUD]);
    await rejects(v.verify(`Bearer ${token}`, [AUD]), Unauthorized, /token already used \(jti replay\)/, token);
  });

  it('lets only one of two concurrent uses of a jti through', async () => {
    const v = verifier();
    const header = `Bearer ${await sign(claims())}`;
    const results = await Promise.allSettled([v.verify(header, [AUD]), v.verify(header, [AUD])]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('does not record the jti of a token that failed verification', async () => {
    const v = verifier();
    const jti = randomUUID();
    await rejects(v.verify(`Bearer ${await sign(claims({ jti }), { key: other.privateKey })}`, [AUD]), Unauthorized, /bad signature/);
    await expect(v.verify(`Bearer ${await sign(claims({ jti }))}`, [AUD])).resolves.toMatchObject({ jti });
  });

  it('refuses new tokens with 503 rather than forget live jtis when the replay cache is full', async () => {
    const v = verifier({ maxReplayEntries: 1 });
    await v.verify(`Bearer ${await sign(claims())}`, [AUD]);
    await rejects(v.verify(`Bearer ${await sign(claims())}`, [AUD]), AuthUnavailable, /replay protection/);
  });

  it('rejects alg "none"', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT', kid: 'es-1' })}.${b64url(claims())}.`;
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /alg not allowed.*"none"/);
  });

  it('rejects HS256 signed with the RSA public key as the HMAC secret (key confusion)', async () => {
    const secret = new TextEncoder().encode(await exportSPKI(rs.publicKey));
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: EPIC_KID }).sign(secret);
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /alg not allowed.*"HS256"/, token);
  });

  it("rejects a jku that differs from the issuer's configured jwksUrl, without fetching it", async () => {
    const v = verifier({ trustedClients: [{ iss: ISS, jwksUrl: 'http://127.0.0.1:9/jwks.json' }] });
    const token = await sign(claims(), { header: { kid: 'es-1', typ: 'JWT', jku: 'https://evil.example/jwks.json' } });
    await rejects(v.verify(`Bearer ${token}`, [AUD]), Unauthorized, /jku "https:\/\/evil.example\/jwks.json" is not the key set URL/, token);
  });

  it('rejects keys embedded in the header (jwk, x5u, x5c)', async () => {
    const jwk = await exportJWK(other.publicKey);
    const token = await sign(claims(), { key: other.privateKey, header: { kid: 'es-1', typ: 'JWT', jwk } });
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /"jwk" is not accepted/, token);
  });

  it('rejects a kid that is not in the key set', async () => {
    const token = await sign(claims(), { header: { kid: 'rotated-away', typ: 'JWT' } });
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /unknown kid.*"rotated-away"/, token);
  });

  it('rejects a token without kid', async () => {
    const token = await sign(claims(), { header: { typ: 'JWT' } });
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /must carry a "kid"/, token);
  });

  it('rejects a typ other than JWT', async () => {
    const token = await sign(claims(), { header: { kid: 'es-1', typ: 'at+jwt' } });
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, /typ "at\+jwt" is not accepted/, token);
  });

  it.each(['jti', 'exp', 'iat', 'aud'])('rejects a token without %s', async (claim) => {
    const payload = claims();
    delete payload[claim];
    const token = await sign(payload);
    await rejects(verifier().verify(`Bearer ${token}`, [AUD]), Unauthorized, new RegExp(`missing the required "${claim}" claim`), token);
  });
});

/** A real HTTP server on 127.0.0.1 serving a JWKS; `keys` can be swapped to simulate rotation. */
async function startJwksServer(keys: PublicJwk[]) {
  const state = { keys, fetches: 0 };
  const server: Server = createServer((_req, res) => {
    state.fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url, state, stop };
}

describe('createJwtVerifier: remote JWKS (jwksUrl)', () => {
  const stops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
  });

  it('fetches and caches keys, refetches on a new kid, and answers 503 when the key set is unreachable', async () => {
    const jwksServer = await startJwksServer([jwks.keys[0]!]);
    stops.push(jwksServer.stop);
    const trustedClients: TrustedClient[] = [{ iss: ISS, jwksUrl: jwksServer.url }];
    const v = verifier({ trustedClients, jwksCooldownMs: 0, fetchTimeoutMs: 2000 });
    const withJku = { kid: 'es-1', typ: 'JWT', jku: jwksServer.url };

    await expect(v.verify(`Bearer ${await sign(claims(), { header: withJku })}`, [AUD])).resolves.toMatchObject({ iss: ISS });
    await expect(v.verify(`Bearer ${await sign(claims())}`, [AUD])).resolves.toMatchObject({ iss: ISS });
    expect(jwksServer.state.fetches).toBe(1);

    // Key rotation: an unknown kid triggers one refetch.
    jwksServer.state.keys = [...jwks.keys];
    const epic = { key: rs.privateKey, alg: 'RS384', header: { kid: EPIC_KID, typ: 'JWT' } };
    await expect(v.verify(`Bearer ${await sign(claims(), epic)}`, [AUD])).resolves.toMatchObject({ iss: ISS });
    expect(jwksServer.state.fetches).toBe(2);

    const unknownKid = await sign(claims(), { header: { kid: 'nobody', typ: 'JWT' } });
    await rejects(v.verify(`Bearer ${unknownKid}`, [AUD]), Unauthorized, /unknown kid/);

    await jwksServer.stop();
    const newKid = await sign(claims(), { key: other.privateKey, header: { kid: 'es-2', typ: 'JWT' } });
    await rejects(v.verify(`Bearer ${newKid}`, [AUD]), AuthUnavailable, /key set of issuer .* is unreachable/, newKid);
    await expect(v.verify(`Bearer ${await sign(claims())}`, [AUD])).resolves.toMatchObject({ iss: ISS });
  });

  it('keeps using the last fetched keys when a refetch fails after the cache aged out', async () => {
    const jwksServer = await startJwksServer([jwks.keys[0]!]);
    stops.push(jwksServer.stop);
    const v = verifier({ trustedClients: [{ iss: ISS, jwksUrl: jwksServer.url }], jwksCacheMaxAgeMs: 0 });

    await expect(v.verify(`Bearer ${await sign(claims())}`, [AUD])).resolves.toMatchObject({ iss: ISS });
    await jwksServer.stop();
    await expect(v.verify(`Bearer ${await sign(claims())}`, [AUD])).resolves.toMatchObject({ iss: ISS });
    const unknownKid = await sign(claims(), { header: { kid: 'nobody', typ: 'JWT' } });
    await rejects(v.verify(`Bearer ${unknownKid}`, [AUD]), AuthUnavailable, /unreachable and no cached key matches kid "nobody"/);
  });

  it('answers 503 when the key set was never reachable', async () => {
    const jwksServer = await startJwksServer([]);
    await jwksServer.stop();
    const v = verifier({ trustedClients: [{ iss: ISS, jwksUrl: jwksServer.url }] });
    await rejects(v.verify(`Bearer ${await sign(claims())}`, [AUD]), AuthUnavailable, /unreachable/);
  });
});

describe('createJwtVerifier: real CDS Hooks Sandbox tokens', () => {
  const folder = new URL('../../../shared/examples/sandbox-captured/', import.meta.url);
  const sandboxJwks = JSON.parse(readFileSync(new URL('sandbox-jwks.json', folder), 'utf8')) as { keys: PublicJwk[] };
  const captured = readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, request: JSON.parse(readFileSync(new URL(name, folder), 'utf8')) as unknown }))
    .filter((file): file is { name: string; request: { path: string; headers: { authorization: string } } } => {
      const headers = (file.request as { headers?: { authorization?: unknown } }).headers;
      return typeof headers?.authorization === 'string';
    });

  it('found the captured requests', () => {
    expect(captured.length).toBeGreaterThanOrEqual(10);
  });

  it.each(captured)('verifies $name', async ({ request }) => {
    const token = request.headers.authorization.replace(/^Bearer /, '');
    const { iat } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number };
    const v = createJwtVerifier({
      trustedClients: [{ iss: 'https://sandbox.cds-hooks.org', jwks: sandboxJwks }],
      clockSkewSeconds: 60,
      maxLifetimeSeconds: 3600,
      now: () => new Date(iat * 1000),
    });
    const audiences = expectedAudiences(['http://127.0.0.1:8092'], request.path.split('?')[0]!);
    const client = await v.verify(request.headers.authorization, audiences);
    expect(client.iss).toBe('https://sandbox.cds-hooks.org');
    expect(client.sub).toBeUndefined();
  });
});

describe('expectedAudiences', () => {
  const bases = ['https://cds.example.org', 'http://127.0.0.1:3000'];

  it('joins every base URL with the path, without query string or trailing slash', () => {
    expect(expectedAudiences(bases, '/cds-services/x?a=1')).toEqual(['https://cds.example.org/cds-services/x', 'http://127.0.0.1:3000/cds-services/x']);
    expect(expectedAudiences(bases.slice(0, 1), '/cds-services/')).toEqual(['https://cds.example.org/cds-services']);
  });

  it('also accepts the service URL for a feedback call', () => {
    expect(expectedAudiences(bases.slice(0, 1), '/cds-services/x/feedback')).toEqual([
      'https://cds.example.org/cds-services/x/feedback',
      'https://cds.example.org/cds-services/x',
    ]);
  });

  it('keeps a path prefix in the base URL and treats a service called "feedback" as a service', () => {
    expect(expectedAudiences(['https://h.example/nec'], '/cds-services/feedback')).toEqual(['https://h.example/nec/cds-services/feedback']);
  });

  it('returns nothing when no base URL is configured', () => {
    expect(expectedAudiences([], '/cds-services')).toEqual([]);
  });
});
