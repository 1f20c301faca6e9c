import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { TrustedClient } from '../../src/config.js';

/**
 * A CDS client (an "EHR") for tests: an ES384 key pair generated in the test, its public JWK Set, and a signer of
 * Sandbox-style tokens (iss, aud, iat, exp = iat + 300, jti; header alg ES384, kid, typ JWT).
 */

const TEST_ISSUER = 'https://ehr.test.example/fhir';
const TEST_KID = 'nec-test-es384-1';

type PublicJwk = JWK & { kty: string };

interface SignOptions {
  /** Merged over the default header `{ alg: 'ES384', kid, typ: 'JWT' }`. */
  header?: Record<string, unknown>;
  /** Sign with this key instead of the issuer's own private key (e.g. a stranger's key with the same kid). */
  privateKey?: CryptoKey;
}

export interface TestIssuer {
  iss: string;
  kid: string;
  jwks: { keys: PublicJwk[] };
  /** `{ iss, jwks }`, the form `CDS_TRUSTED_CLIENTS` takes. */
  trustedClient: TrustedClient;
  /** Every token this issuer produced (signed or hand-built), so log tests can look for them. */
  issued: string[];
  /**
   * Signs a token. `aud` is required; every other claim can be overridden (`exp: undefined` drops it).
   * @param claims - `{ aud, ...overrides }`
   * @param options - header overrides, another private key
   */
  sign(claims: JWTPayload & { aud: string | string[] }, options?: SignOptions): Promise<string>;
  /** A hand-built `alg: none` token (empty signature) with otherwise valid claims. */
  unsigned(claims: JWTPayload & { aud: string | string[] }): string;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function defaultClaims(iss: string, claims: JWTPayload): JWTPayload {
  const iat = nowSeconds();
  const merged: JWTPayload = { iss, iat, exp: iat + 300, jti: randomUUID(), ...claims };
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}

/** A fresh ES384 key pair with its public JWK (kid set). */
export async function generateSigningKey(kid: string): Promise<{ privateKey: CryptoKey; publicJwk: PublicJwk }> {
  const { privateKey, publicKey } = await generateKeyPair('ES384');
  const { kty, ...rest } = await exportJWK(publicKey);
  if (!kty) throw new Error('exported JWK has no kty');
  return { privateKey, publicJwk: { ...rest, kty, kid, alg: 'ES384', use: 'sig' } };
}

/** Creates a test issuer with its own ES384 key pair. */
export async function createTestIssuer(iss = TEST_ISSUER, kid = TEST_KID): Promise<TestIssuer> {
  const { privateKey, publicJwk } = await generateSigningKey(kid);
  const jwks = { keys: [publicJwk] };
  const issued: string[] = [];
  return {
    iss,
    kid,
    jwks,
    trustedClient: { iss, jwks },
    issued,
    async sign(claims, options = {}) {
      const token = await new SignJWT(defaultClaims(iss, claims))
        .setProtectedHeader({ alg: 'ES384', kid, typ: 'JWT', ...options.header })
        .sign(options.privateKey ?? privateKey);
      issued.push(token);
      return token;
    },
    unsigned(claims) {
      const token = `${b64url({ alg: 'none', kid, typ: 'JWT' })}.${b64url(defaultClaims(iss, claims))}.`;
      issued.push(token);
      return token;
    },
  };
}
