import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { TrustedClient } from '../config.js';
import { AuthUnavailable, Unauthorized } from '../errors.js';
import { quote } from './auth-claims.js';

/** The verification keys of one trusted issuer, resolved by the token's `kid` and `alg`. */
export interface IssuerKeys {
  readonly iss: string;
  /** Set when the issuer's key set is fetched from a URL; a token's `jku` must then equal it. */
  readonly jwksUrl?: string;
  /** Key resolver for `jwtVerify`; throws `Unauthorized` (unknown kid) or `AuthUnavailable` (key set unreachable). */
  readonly getKey: JWTVerifyGetKey;
}

export interface RemoteKeyOptions {
  timeoutMs: number;
  /** Minimum time between two refetches triggered by unknown `kid`s (jose's `cooldownDuration`). */
  cooldownMs: number;
  /** Age after which the key set is refetched before use (jose's `cacheMaxAge`). */
  cacheMaxAgeMs: number;
}

/**
 * Builds the key resolver for one trusted client. A remote key set is created here once and reused, so jose's
 * cache (and its refetch-on-unknown-kid) works across requests.
 * @throws TypeError / jose `JWKSInvalid` when an inline key set is malformed (a configuration error at start-up)
 */
export function createIssuerKeys(client: TrustedClient, remote: RemoteKeyOptions): IssuerKeys {
  if ('jwks' in client) {
    const local = createLocalJWKSet(client.jwks);
    return {
      iss: client.iss,
      getKey: async (header, token) => {
        try {
          return await local(header, token);
        } catch (err) {
          throw keyLookupError(err, client.iss, header.kid, header.alg) ?? err;
        }
      },
    };
  }

  const url = new URL(client.jwksUrl);
  const remoteSet = createRemoteJWKSet(url, {
    timeoutDuration: remote.timeoutMs,
    cooldownDuration: remote.cooldownMs,
    cacheMaxAge: remote.cacheMaxAgeMs,
  });
  return {
    iss: client.iss,
    jwksUrl: client.jwksUrl,
    getKey: async (header, token) => {
      try {
        return await remoteSet(header, token);
      } catch (err) {
        const known = keyLookupError(err, client.iss, header.kid, header.alg);
        if (known) throw known;
        // Fetch failed (network, timeout, non-200, bad JSON/JWKS). Keys from the last good fetch still count,
        // even past jose's cache max-age, so a JWKS outage does not lock out clients whose key we already hold.
        const lastGood = remoteSet.jwks();
        if (lastGood) {
          try {
            return await createLocalJWKSet(lastGood)(header, token);
          } catch {
            // fall through: no cached key fits, so we cannot decide
          }
        }
        throw new AuthUnavailable(
          `the key set of issuer ${quote(client.iss)} (${url.href}) is unreachable and no cached key matches ` +
            `kid ${quote(header.kid)}; the token cannot be verified right now`,
        );
      }
    },
  };
}

/** Maps "the key set was read but holds no usable key for this token" to a 401; undefined for anything else. */
function keyLookupError(err: unknown, iss: string, kid: unknown, alg: unknown): Unauthorized | undefined {
  if (err instanceof errors.JWKSNoMatchingKey) {
    return new Unauthorized(`unknown kid: the key set of issuer ${quote(iss)} has no key with kid ${quote(kid)} usable with alg ${quote(alg)}`);
  }
  if (err instanceof errors.JWKSMultipleMatchingKeys) {
    return new Unauthorized(`the key set of issuer ${quote(iss)} has several keys with kid ${quote(kid)}; kids must be unique`);
  }
  return undefined;
}
