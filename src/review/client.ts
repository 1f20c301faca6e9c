import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { TrustedClient } from '../config.js';

/**
 * The review page's backend is a real CDS client of this same service: it calls the real routes in-process
 * (`app.inject`), and, when authentication is on, signs every call with its own ES384 key, generated at start-up and
 * trusted as the issuer {@link REVIEW_ISSUER} only while the review page is enabled.
 */

export const REVIEW_ISSUER = 'urn:nec-cds:review';
const KID = 'nec-cds-review-1';
const TOKEN_LIFETIME_SECONDS = 60;

export interface ReviewIdentity {
  /** `{ iss, jwks }` with the public key: added to the service's trusted clients. */
  trustedClient: TrustedClient;
  /** A fresh single-use token addressed to `aud`. */
  sign(aud: string): Promise<string>;
}

/** Generates the review client's ephemeral ES384 key pair (the private key never leaves this process). */
export async function createReviewIdentity(): Promise<ReviewIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('ES384');
  const { kty, ...rest } = await exportJWK(publicKey);
  if (!kty) throw new Error('exported JWK has no kty');
  const jwk = { ...rest, kty, kid: KID, alg: 'ES384', use: 'sig' };
  return {
    trustedClient: { iss: REVIEW_ISSUER, jwks: { keys: [jwk] } },
    sign: (aud) => signToken(privateKey, aud),
  };
}

function signToken(privateKey: CryptoKey, aud: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES384', kid: KID, typ: 'JWT' })
    .setIssuer(REVIEW_ISSUER)
    .setAudience(aud)
    .setIssuedAt(iat)
    .setExpirationTime(iat + TOKEN_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(privateKey);
}

interface ServiceAnswer {
  status: number;
  body: unknown;
}

/** The part of a Fastify instance the client uses (the root app, whatever its logger type). */
export interface Injector {
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface ReviewClient {
  /** `POST /cds-services/{serviceId}` with the hook request. */
  callHook(serviceId: string, request: object): Promise<ServiceAnswer>;
  /** `POST /cds-services/{serviceId}/feedback` with `{ feedback: [item] }`. */
  sendFeedback(serviceId: string, item: object): Promise<ServiceAnswer>;
  /** `GET /analytics/rules` (404 when the service runs without `ANALYTICS=enabled`). */
  ruleAnalytics(): Promise<ServiceAnswer>;
}

/**
 * A client of the service's own CDS Hooks routes.
 * @param app - the service (its routes are called with `inject`, through every hook: auth, rate limit, validation)
 * @param publicBaseUrl - the first `PUBLIC_BASE_URLS` entry: tokens are addressed to it + the path called
 * @param identity - the signing identity; undefined when authentication is off
 */
export function createReviewClient(app: Injector, publicBaseUrl: string, identity: ReviewIdentity | undefined): ReviewClient {
  async function call(path: string, payload?: object): Promise<ServiceAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload) headers['content-type'] = 'application/json';
    if (identity) headers.authorization = `Bearer ${await identity.sign(`${publicBaseUrl}${path}`)}`;
    const response = await app.inject(
      payload ? { method: 'POST', url: path, headers, payload: JSON.stringify(payload) } : { method: 'GET', url: path, headers },
    );
    let body: unknown;
    try {
      body = response.body ? JSON.parse(response.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body };
  }
  return {
    callHook: (serviceId, request) => call(`/cds-services/${encodeURIComponent(serviceId)}`, request),
    sendFeedback: (serviceId, item) => call(`/cds-services/${encodeURIComponent(serviceId)}/feedback`, { feedback: [item] }),
    ruleAnalytics: () => call('/analytics/rules'),
  };
}
