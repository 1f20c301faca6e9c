import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp, defaultDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { REVIEW_ISSUER } from '../../src/review/client.js';
import { sharedTestDatabase } from '../helpers/database.js';
import { createTestIssuer } from '../helpers/jwt.js';

const PRODUCTION = { NODE_ENV: 'production', PATIENT_HASH_SALT: 'review-test-salt-0123456789' };

/** When the review page exists, and what it changes about the service (headers, trusted clients). */

async function app(env: Record<string, string>) {
  const config = loadConfig({ LOG_LEVEL: 'silent', CDS_AUTH: 'disabled', DATABASE_DIR: 'memory://', ...env });
  return buildApp(config, { ...defaultDeps(config), database: await sharedTestDatabase() });
}

describe('REVIEW_UI', () => {
  // The test database's first start (PGlite's initdb) takes seconds: once, before the timed tests.
  beforeAll(() => sharedTestDatabase().then(() => undefined), 90_000);

  it('is enabled by default outside production and disabled by default in production', () => {
    expect(loadConfig({ CDS_AUTH: 'disabled' }).review).toEqual({ enabled: true, fhirBaseUrl: 'http://127.0.0.1:8080/fhir' });
    expect(loadConfig({ CDS_AUTH: 'disabled', ...PRODUCTION }).review.enabled).toBe(false);
    expect(loadConfig({ CDS_AUTH: 'disabled', ...PRODUCTION, REVIEW_UI: 'enabled' }).review.enabled).toBe(true);
    expect(loadConfig({ CDS_AUTH: 'disabled', REVIEW_FHIR_BASE_URL: 'https://fhir.example.org/r4/' }).review.fhirBaseUrl).toBe('https://fhir.example.org/r4');
  });

  it('refuses a REVIEW_UI or REVIEW_FHIR_BASE_URL it does not know, naming the variable', () => {
    expect(() => loadConfig({ CDS_AUTH: 'disabled', REVIEW_UI: 'yes' })).toThrow(/REVIEW_UI/);
    expect(() => loadConfig({ CDS_AUTH: 'disabled', REVIEW_FHIR_BASE_URL: 'ftp://x/fhir' })).toThrow(/REVIEW_FHIR_BASE_URL/);
  });

  it.each([{ REVIEW_UI: 'disabled' }, PRODUCTION])('answers 404 for the page, its files, its API and / when off (%o)', async (env) => {
    const service = await app(env);
    for (const url of ['/', '/review', '/review/assets/review.js', '/review/api/patients', '/review/api/analytics']) {
      const res = await service.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
    }
    expect((await service.inject({ method: 'POST', url: '/review/api/run', payload: { patientId: 'x', hook: 'patient-view' } })).statusCode).toBe(404);
    await service.close();
  });

  it('redirects / to the page and serves it with a strict CSP; the CDS routes keep their headers (no CSP)', async () => {
    const service = await app({});
    const root = await service.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/review');
    const page = await service.inject({ method: 'GET', url: '/review' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(page.body).toContain('<script type="module" src="/review/assets/review.js"></script>');
    expect(page.body).not.toMatch(/<script>|\son[a-z]+="/);
    const js = await service.inject({ method: 'GET', url: '/review/assets/review.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await service.inject({ method: 'GET', url: '/review/assets/..%2Fplugin.ts' })).statusCode).toBe(404);
    const discovery = await service.inject({ method: 'GET', url: '/cds-services' });
    expect(discovery.headers['content-security-policy']).toBeUndefined();
    expect(discovery.headers['x-frame-options']).toBe('DENY');
    await service.close();
  });

  it(`trusts the review client's issuer (${REVIEW_ISSUER}) only while the page is enabled`, async () => {
    // A stranger signing as the review issuer: refused either way, but only an enabled page makes the issuer known.
    const stranger = await createTestIssuer(REVIEW_ISSUER);
    const other = await createTestIssuer();
    for (const [env, message] of [
      [{ REVIEW_UI: 'enabled' }, /issuer "urn:nec-cds:review" has no key/],
      [{ REVIEW_UI: 'disabled' }, /is not trusted/],
    ] as const) {
      const service = await app({
        ...env,
        CDS_AUTH: 'required',
        CDS_TRUSTED_CLIENTS: JSON.stringify([other.trustedClient]),
        PUBLIC_BASE_URLS: 'http://localhost',
      });
      const token = await stranger.sign({ aud: 'http://localhost/cds-services' });
      const res = await service.inject({ method: 'GET', url: '/cds-services', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toMatch(message);
      await service.close();
    }
  });
});
