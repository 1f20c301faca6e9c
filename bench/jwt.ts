import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createJwtVerifier } from '../src/hooks/auth.js';

/**
 * The cost of authentication per request, measured apart from the load runs: with auth on, every request needs its
 * own token (the verifier refuses a replayed `jti`), so a load tool replaying one signed request cannot measure it,
 * and signing a token per request in the load tool would take the CPU the server is measured on. Here: ES384 tokens
 * (what the CDS Hooks Sandbox and the demo send) and RS384 (Epic's) tokens, signed beforehand with fresh `jti`s, then verified one after the
 * other by the service's own verifier (inline JWKS: no key fetch), as the `onRequest` hook does.
 */

export type Algorithm = 'ES384' | 'RS384';

export interface JwtResult {
  algorithm: Algorithm;
  tokens: number;
  verifyMicros: { mean: number; p50: number; p99: number };
  signMicros: { mean: number };
}

const ISS = 'https://ehr.bench.example/fhir';
const AUD = 'http://127.0.0.1:3000/cds-services/nec-patient-view';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * @param tokens - how many verifications are timed
 * @param algorithm - ES384 (the CDS Hooks Sandbox, the demo) or RS384 (Epic)
 */
export async function measureJwt(tokens: number, algorithm: Algorithm): Promise<JwtResult> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, algorithm === 'RS384' ? { modulusLength: 2048 } : undefined);
  const { kty, ...rest } = await exportJWK(publicKey);
  if (!kty) throw new Error('exported JWK has no kty');
  const jwk = { ...rest, kty, kid: 'bench-1', alg: algorithm, use: 'sig' };
  const verifier = createJwtVerifier({ trustedClients: [{ iss: ISS, jwks: { keys: [jwk] } }], clockSkewSeconds: 60, maxLifetimeSeconds: 3600 });

  const signed: string[] = [];
  const signStart = performance.now();
  for (let i = 0; i < tokens + 20; i++) {
    const iat = Math.floor(Date.now() / 1000);
    signed.push(
      await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: algorithm, kid: 'bench-1', typ: 'JWT' })
        .setIssuer(ISS)
        .setAudience(AUD)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 300)
        .sign(privateKey),
    );
  }
  const signMean = ((performance.now() - signStart) * 1000) / signed.length;

  for (const token of signed.slice(0, 20)) await verifier.verify(`Bearer ${token}`, [AUD]); // warm-up
  const times: number[] = [];
  for (const token of signed.slice(20)) {
    const t = performance.now();
    await verifier.verify(`Bearer ${token}`, [AUD]);
    times.push((performance.now() - t) * 1000);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    algorithm,
    tokens,
    verifyMicros: { mean: times.reduce((a, b) => a + b, 0) / times.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
    signMicros: { mean: signMean },
  };
}
