import { errors, type JWTPayload } from 'jose';
import { Unauthorized } from '../errors.js';

/**
 * Claim checks jose leaves to us, and caller-facing wording for JWT failures. Messages name what is wrong so
 * the EHR's integrator can fix it; they may echo short claim/header values (truncated), never the token.
 */

const MAX_ECHO = 120;

/** A token-supplied value, JSON-quoted and truncated, safe to put in an error message. */
export function quote(value: unknown): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value) ?? `(${typeof value})`;
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
}

/** JavaScript dates reach ±8.64e15 ms: a claim beyond that is quoted as a number, never formatted (it would throw). */
const MAX_EPOCH_SECONDS = 8.64e12;

const iso = (epochSeconds: unknown) =>
  typeof epochSeconds === 'number' && Number.isFinite(epochSeconds) && Math.abs(epochSeconds) <= MAX_EPOCH_SECONDS
    ? new Date(epochSeconds * 1000).toISOString()
    : quote(epochSeconds);

/**
 * Turns a jose verification failure into a 401 with a specific message.
 * @param now - the verifier's clock, shown next to time claims so clock drift is visible
 */
export function describeVerifyError(err: unknown, now: Date, skewSeconds: number): Unauthorized {
  const serverTime = `server time ${now.toISOString()}, allowed clock skew ${skewSeconds} s`;
  if (err instanceof errors.JWTExpired) {
    return new Unauthorized(`JWT has expired: exp ${iso(err.payload.exp)} (${serverTime})`);
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return new Unauthorized(`JWT is missing the required ${quote(err.claim)} claim`);
    if (err.claim === 'nbf' && err.reason === 'check_failed') {
      return new Unauthorized(`JWT is not yet valid: nbf ${iso(err.payload.nbf)} (${serverTime})`);
    }
    return new Unauthorized(`JWT claim ${quote(err.claim)} is invalid: ${err.message}`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new Unauthorized('bad signature: the JWT signature does not verify with the issuer key named by its kid');
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return new Unauthorized('alg not allowed for this JWT');
  if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid) {
    return new Unauthorized(`malformed JWT: ${err.message}`);
  }
  if (err instanceof errors.JOSEError) return new Unauthorized(`JWT could not be verified: ${err.message}`);
  // jose throws TypeError when a key does not suit the alg (e.g. RSA key under 2048 bits).
  return new Unauthorized('JWT could not be verified: the issuer key named by its kid does not suit its alg');
}

/** Time and lifetime checks jose does not make (it checks `iat` only together with a max token age). */
export function checkTimes(payload: JWTPayload, now: Date, skewSeconds: number, maxLifetimeSeconds: number): void {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const { iat, exp } = payload as { iat: number; exp: number };
  if (iat > nowSeconds + skewSeconds) {
    throw new Unauthorized(`JWT iat ${iso(iat)} is in the future (server time ${now.toISOString()}, allowed clock skew ${skewSeconds} s)`);
  }
  if (exp - iat > maxLifetimeSeconds) {
    throw new Unauthorized(`JWT lifetime exp - iat = ${exp - iat} s exceeds the allowed maximum of ${maxLifetimeSeconds} s`);
  }
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * `aud` (string or array) must contain one of `audiences`, compared without trailing slashes.
 * Done here rather than by jose because jose compares exact strings.
 */
export function checkAudience(aud: unknown, audiences: readonly string[]): void {
  const given = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (!given || given.some((value) => typeof value !== 'string')) {
    throw new Unauthorized('JWT "aud" claim must be a string or an array of strings');
  }
  const expected = new Set(audiences.map(withoutTrailingSlash));
  if (!given.some((value: string) => expected.has(withoutTrailingSlash(value)))) {
    const wanted = audiences.length > 0 ? audiences.map((a) => JSON.stringify(a)).join(', ') : '(none configured)';
    throw new Unauthorized(`wrong audience: JWT aud ${quote(aud)} is not the URL called; expected ${wanted}`);
  }
}
