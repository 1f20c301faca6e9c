import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { repoRoot } from './fhir-server.js';

/**
 * The real traffic of one CDS Hooks Sandbox session (`../shared/examples/sandbox-captured/`, its README explains
 * each file), and a way to send a captured request again over HTTP as it was sent.
 */

const CAPTURE_DIR = join(repoRoot, '../shared/examples/sandbox-captured');
export const SANDBOX_ISSUER = 'https://sandbox.cds-hooks.org';
/** The `jku` the Sandbox puts in every token header (never fetched: the key is configured). */
export const SANDBOX_JKU = 'https://sandbox.cds-hooks.org/.well-known/jwks.json';
/** The origin of the Sandbox page during the capture (sent on every cross-origin request). */
export const SANDBOX_ORIGIN = 'http://127.0.0.1:8090';
/** The CDS service stub the Sandbox called: the base of every captured `aud`. */
export const CAPTURE_SERVICE_BASE = 'http://127.0.0.1:8092';
/** Within the capture window (03:56:57Z–03:57:26Z): every captured token's `iat` ≤ this < its `exp`. */
export const CAPTURE_TIME = new Date('2026-11-23T03:57:26Z');
/** The stub's service ids, routed to ours (CDS_SERVICE_ALIASES). */
const SANDBOX_ALIASES = {
  'pca-patient-view': 'nec-patient-view',
  'pca-order-select': 'nec-order-select',
  'pca-order-sign': 'nec-order-sign',
} as const;
/** The captured patient, reconstructed in fixtures/patients/sandbox-pca-74m.json. */
export const CAPTURED_PATIENT = 'pca-74m';

export interface CapturedRequest {
  method: 'GET' | 'POST' | 'OPTIONS';
  path: string;
  /** Lower-cased names, values as sent. */
  headers: Record<string, string>;
  body: Record<string, unknown> | null;
}

export interface CapturedFhirCall {
  phase: string;
  method: 'GET' | 'POST';
  /** From `/fhir`, with the query string. */
  path: string;
  accept: string;
  contentType: string | null;
  authorization: null;
  /** The raw form body of a `POST Type/_search`. */
  body: string | null;
  /** What the capture's FHIR stub answered (it refused form POSTs with 400 on purpose). */
  stubStatus: number;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(CAPTURE_DIR, file), 'utf8')) as T;
}

export function readCaptured(file: string): CapturedRequest {
  return readJson<CapturedRequest>(file);
}

export function readCapturedFhirCalls(): { fhirServiceUrl: string; requests: CapturedFhirCall[] } {
  return readJson('fhir-requests.json');
}

/** The Sandbox's public key set (one EC P-384 key). */
function sandboxJwks(): { keys: (JWK & { kty: string })[] } {
  return readJson('sandbox-jwks.json');
}

/** The bearer token of a captured request. */
export function capturedToken(request: CapturedRequest): string {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) throw new Error(`${request.method} ${request.path} carries no bearer token`);
  return header.slice('Bearer '.length);
}

export function decodeToken(token: string) {
  return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
}

/**
 * The environment of a service that accepts the captured requests verbatim: addressed as the stub was
 * (`PUBLIC_BASE_URLS`), reached by the stub's ids (`CDS_SERVICE_ALIASES`), trusting the Sandbox's published key.
 */
export function capturedServiceEnv(): Record<string, string> {
  return {
    CDS_AUTH: 'required',
    CDS_TRUSTED_CLIENTS: JSON.stringify([{ iss: SANDBOX_ISSUER, jwks: sandboxJwks() }]),
    PUBLIC_BASE_URLS: CAPTURE_SERVICE_BASE,
    CDS_SERVICE_ALIASES: JSON.stringify(SANDBOX_ALIASES),
  };
}

export interface ReplayResult<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: T;
}

/** Hop-by-hop or derived from the body: not replayed as captured. */
const NOT_REPLAYED = new Set(['connection', 'content-length']);

/**
 * Sends a captured request to `baseUrl` with node:http: same method, path and headers (Host, Origin, the JWT …)
 * as captured, except `connection` (hop-by-hop) and `content-length` (recomputed for the body sent).
 * @param body - the body to send instead of the captured one (the caller says why)
 */
export function replay<T = unknown>(baseUrl: string, captured: CapturedRequest, body: unknown = captured.body): Promise<ReplayResult<T>> {
  const headers: Record<string, string> = Object.fromEntries(Object.entries(captured.headers).filter(([name]) => !NOT_REPLAYED.has(name)));
  const payload = body === null || body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  if (payload) headers['content-length'] = String(payload.length);
  const url = new URL(captured.path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: captured.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed as T });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
