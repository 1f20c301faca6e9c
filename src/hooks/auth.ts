import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type ProtectedHeaderParameters } from 'jose';
import type { TrustedClient } from '../config.js';
import { AuthUnavailable, CdsError, Unauthorized } from '../errors.js';
import { createIssuerKeys, type IssuerKeys } from './auth-keys.js';
import { checkAudience, checkTimes, describeVerifyError, quote } from './auth-claims.js';
import { JtiReplayCache, type ReplayGuard } from './auth-replay.js';

/**
 * Authenticates CDS clients (CDS Hooks 2.0 §Trusting CDS Clients): a JWT in `Authorization: Bearer`, signed with a
 * key of a configured issuer, addressed to the URL called, short-lived and used once.
 */

/** Who called, as proven by the verified JWT. */
interface VerifiedClient {
  iss: string;
  jti: string;
  /** Epic sends the CDS client id here; the Sandbox sends none. */
  sub?: string;
  /** Opaque id of the healthcare organisation, when the client sends one. */
  tenant?: string;
}

export interface JwtVerifier {
  /**
   * Verifies the `Authorization` header of one request.
   * @param authorization - the raw header value
   * @param audiences - the `aud` values acceptable for this request (see {@link expectedAudiences})
   * @throws Unauthorized when the token is missing, malformed, not trusted, invalid or replayed
   * @throws AuthUnavailable when the issuer's key set cannot be fetched, or too many live tokens are tracked
   */
  verify(authorization: string | undefined, audiences: string[]): Promise<VerifiedClient>;
}

export interface JwtVerifierOptions {
  trustedClients: TrustedClient[];
  clockSkewSeconds: number;
  maxLifetimeSeconds: number;
  /** Clock, for tests; defaults to the system clock. */
  now?: () => Date;
  /** Timeout for fetching a remote JWKS (default 5000 ms). */
  fetchTimeoutMs?: number;
  /** Minimum time between JWKS refetches caused by unknown kids (default 30 000 ms). */
  jwksCooldownMs?: number;
  /** Age after which a fetched JWKS is refetched before use (default 600 000 ms). */
  jwksCacheMaxAgeMs?: number;
  /** How many used `jti`s are remembered at most (default 100 000). */
  maxReplayEntries?: number;
  /** Where used `jti`s are kept (the service: its database); default: in memory, `maxReplayEntries` at most. */
  replays?: ReplayGuard;
}

/** RFC 7518/8037 asymmetric algorithms. `none` and HMAC (`HS*`) are excluded on purpose (CDS Hooks §JWT Signing Algorithm). */
const ALLOWED_ALGS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];
const MAX_TOKEN_LENGTH = 8 * 1024;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Header parameters that carry or point at a key: honouring them would let the token choose its own key. */
const KEY_SUBSTITUTION_PARAMS = ['jwk', 'x5u', 'x5c'] as const;

/**
 * Creates the verifier. Remote key sets are created once per issuer here and cached across calls.
 * @throws when an inline `jwks` in `trustedClients` is malformed
 */
export function createJwtVerifier(opts: JwtVerifierOptions): JwtVerifier {
  const now = opts.now ?? (() => new Date());
  const skew = opts.clockSkewSeconds;
  const remote = {
    timeoutMs: opts.fetchTimeoutMs ?? 5000,
    cooldownMs: opts.jwksCooldownMs ?? 30_000,
    cacheMaxAgeMs: opts.jwksCacheMaxAgeMs ?? 600_000,
  };
  const issuers = new Map<string, IssuerKeys>();
  for (const client of opts.trustedClients) {
    if (!issuers.has(client.iss)) issuers.set(client.iss, createIssuerKeys(client, remote));
  }
  const replays = opts.replays ?? new JtiReplayCache(opts.maxReplayEntries ?? 100_000);

  return {
    async verify(authorization, audiences) {
      const token = bearerToken(authorization);
      const header = checkHeader(token);
      const issuer = trustedIssuer(token, issuers);
      if (header.jku !== undefined && issuer.jwksUrl !== undefined && header.jku !== issuer.jwksUrl) {
        throw new Unauthorized(`JWT header jku ${quote(header.jku)} is not the key set URL configured for issuer ${quote(issuer.iss)}`);
      }

      const at = now();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, issuer.getKey, {
          algorithms: ALLOWED_ALGS,
          issuer: issuer.iss,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
          clockTolerance: skew,
          currentDate: at,
        }));
      } catch (err) {
        throw err instanceof CdsError ? err : describeVerifyError(err, at, skew);
      }
      checkTimes(payload, at, skew, opts.maxLifetimeSeconds);
      checkAudience(payload.aud, audiences);
      const jti = payload.jti;
      if (typeof jti !== 'string' || jti === '') throw new Unauthorized('JWT "jti" claim must be a non-empty string');

      const outcome = await replays.record(issuer.iss, jti, (payload.exp as number) + skew, Math.floor(at.getTime() / 1000));
      if (outcome === 'replay') throw new Unauthorized('token already used (jti replay)');
      if (outcome === 'full') throw new AuthUnavailable('too many recent tokens to track for replay protection; retry shortly');

      const client: VerifiedClient = { iss: issuer.iss, jti };
      if (typeof payload.sub === 'string') client.sub = payload.sub;
      if (typeof payload.tenant === 'string') client.tenant = payload.tenant;
      return client;
    },
  };
}

/**
 * The audiences a request may carry: each public base URL + the path called (no query string, no trailing
 * slash). For a feedback call also the service URL without `/feedback`: 2.0 names no `aud` for feedback, so
 * clients differ (spec gap, cds-hooks/docs #55).
 * @param publicBaseUrls - base URLs under which clients address the service, e.g. `https://cds.example.org`
 * @param path - the request target as received, e.g. `/cds-services/x/feedback?y=1`
 */
export function expectedAudiences(publicBaseUrls: string[], path: string): string[] {
  const target = path.split(/[?#]/, 1)[0] ?? '';
  const called = target.startsWith('/') ? target : `/${target}`;
  const paths = [called];
  const service = /^(.*\/cds-services\/[^/]+)\/feedback\/*$/.exec(called)?.[1];
  if (service !== undefined) paths.push(service);
  const audiences = new Set<string>();
  for (const base of publicBaseUrls) {
    for (const p of paths) audiences.add(`${base}${p}`.replace(/\/+$/, ''));
  }
  return [...audiences];
}

function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization.trim() === '') {
    throw new Unauthorized('missing Authorization header: send "Authorization: Bearer <JWT>" signed by a trusted CDS client');
  }
  if (authorization.length > MAX_TOKEN_LENGTH + 'Bearer '.length) {
    throw new Unauthorized(`bearer token is too large (the limit is ${MAX_TOKEN_LENGTH} bytes)`);
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match?.[1]) throw new Unauthorized('Authorization header must use the Bearer scheme: "Authorization: Bearer <JWT>"');
  if (!COMPACT_JWS.test(match[1])) {
    throw new Unauthorized('bearer token is not a JWT in compact form (three base64url parts separated by dots)');
  }
  return match[1];
}

function checkHeader(token: string): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new Unauthorized('malformed JWT: the header is not base64url-encoded JSON');
  }
  if (typeof header.alg !== 'string' || !ALLOWED_ALGS.includes(header.alg)) {
    throw new Unauthorized(`alg not allowed: JWT alg ${quote(header.alg)} is not accepted; use one of ${ALLOWED_ALGS.join(', ')}`);
  }
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw new Unauthorized('JWT header must carry a "kid" naming the signing key in the issuer\'s key set');
  }
  if (header.typ !== undefined && !/^(application\/)?jwt$/i.test(String(header.typ))) {
    throw new Unauthorized(`JWT header typ ${quote(header.typ)} is not accepted; it must be "JWT"`);
  }
  const embedded = KEY_SUBSTITUTION_PARAMS.find((param) => header[param] !== undefined);
  if (embedded) {
    throw new Unauthorized(`JWT header parameter "${embedded}" is not accepted: keys come only from the issuer's configured key set`);
  }
  return header;
}

function trustedIssuer(token: string, issuers: ReadonlyMap<string, IssuerKeys>): IssuerKeys {
  let iss: unknown;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    throw new Unauthorized('malformed JWT: the payload is not a base64url-encoded JSON object');
  }
  if (typeof iss !== 'string') throw new Unauthorized('JWT "iss" claim is missing or not a string');
  const issuer = issuers.get(iss);
  if (!issuer) throw new Unauthorized(`issuer ${quote(iss)} is not trusted by this CDS service`);
  return issuer;
}
