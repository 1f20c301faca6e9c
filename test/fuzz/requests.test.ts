import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, defaultDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { sharedTestDatabase } from '../helpers/database.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { freePort } from '../helpers/service.js';
import { badAuthorization, problemWith, requestCase, send, type App, type RequestCase } from './request-arbitraries.js';

/**
 * Issue 8, "Request fuzzing" (the seeded run of `npm test`; `npm run fuzz` runs 100,000): generated CDS Hooks
 * requests through the whole app (`app.inject`) get 2xx or 4xx, never 5xx, and every 4xx has a JSON body with a
 * readable `message`. Once with auth off, once with auth on and a valid token (so the body is reached), once with
 * hostile Authorization headers.
 */

const SEED = 20_261_123;
const BASE = 'http://fuzz.test';

async function fuzzApp(env: Record<string, string>) {
  const config = loadConfig({ PUBLIC_BASE_URLS: BASE, RATE_LIMIT_MAX: '0', HOOK_DEADLINE_MS: '1000', ...env });
  return buildApp(config, { ...defaultDeps(config), logger: pino({ level: 'silent' }), database: await sharedTestDatabase() });
}

let closedFhirServer: string;
let issuer: TestIssuer;
let open: App;
let secured: App;

beforeAll(async () => {
  closedFhirServer = `http://127.0.0.1:${await freePort()}/fhir`;
  issuer = await createTestIssuer();
  open = await fuzzApp({ CDS_AUTH: 'disabled' });
  secured = await fuzzApp({ CDS_AUTH: 'required', CDS_TRUSTED_CLIENTS: JSON.stringify([issuer.trustedClient]) });
});

afterAll(async () => {
  await open?.close();
  await secured?.close();
});

/** Runs `numRuns` cases; returns the status histogram (the property fails on the first bad answer). */
async function fuzz(numRuns: number, run: (c: RequestCase) => Promise<{ status: number; problem?: string }>) {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requestCase({ closedFhirServer }), async (c) => {
      const { status, problem } = await run(c);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (problem) throw new Error(`${c.method} ${c.url} (${c.kind}) → ${problem}`);
    }),
    { seed: SEED, numRuns, endOnFailure: true },
  );
  return statuses;
}

describe('request fuzzing', () => {
  it('auth off: 1,500 generated requests, never a 5xx, every 4xx readable', async () => {
    const statuses = await fuzz(1500, async (c) => {
      const answer = await send(open, c);
      return { status: answer.status, problem: problemWith(c, answer) };
    });
    // Not vacuous: many reached the evaluation (200), many were refused (400).
    expect(statuses.get(200) ?? 0).toBeGreaterThan(150);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(300);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
  }, 120_000);

  it('auth on with a valid token: 700 generated requests reach the body the same way', async () => {
    const statuses = await fuzz(700, async (c) => {
      const token = await issuer.sign({ aud: `${BASE}${c.url.split('?')[0]}` });
      const answer = await send(secured, c, `Bearer ${token}`);
      return { status: answer.status, problem: problemWith(c, answer) };
    });
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
  }, 120_000);

  it('auth on with hostile Authorization headers: 401, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(requestCase({ closedFhirServer }), badAuthorization, async (c, authorization) => {
        const answer = await send(secured, c, authorization);
        const problem = problemWith(c, answer);
        if (problem) throw new Error(`${c.method} ${c.url} → ${problem}`);
        // Nothing on the CDS surface answers 2xx without a valid token (preflights aside).
        if (c.url.startsWith('/cds-services') && c.method !== 'OPTIONS') expect(answer.status).toBeGreaterThanOrEqual(400);
      }),
      { seed: SEED, numRuns: 300, endOnFailure: true },
    );
  }, 60_000);
});
