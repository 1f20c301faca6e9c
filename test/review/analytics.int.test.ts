import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardView } from '../../src/review/view.js';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { createTestIssuer } from '../helpers/jwt.js';
import { startService, type RunningService } from '../helpers/service.js';

/**
 * The review page's analytics table data (`GET /review/api/analytics`) over real HTTP: the page's backend reads the
 * service's `GET /analytics/rules` through authentication (auth on, its own signed token), or says analytics are off.
 */

const SEED_000 = 'seed-000-nepc-liver';
const STOP_TKI = 'stop-vegf-tki-small-cell';
const CLINICAL_NOW = new Date('2026-11-23T09:00:00Z');

interface AnalyticsAnswer {
  enabled: boolean;
  message?: string;
  rules?: {
    ruleId: string;
    shown: number;
    accepted: number;
    overridden: number;
    acceptanceRate: number;
    overrideReasons: { code: string | null; display?: string; count: number }[];
  }[];
}

let fhir: FhirServerProcess;
let service: RunningService;
let withoutAnalytics: RunningService;

beforeAll(async () => {
  fhir = await startFhirServer();
  const issuer = await createTestIssuer();
  service = await startService({ issuer, env: { REVIEW_FHIR_BASE_URL: fhir.url, ANALYTICS: 'enabled' }, now: () => CLINICAL_NOW });
  withoutAnalytics = await startService({ issuer, env: { REVIEW_FHIR_BASE_URL: fhir.url }, now: () => CLINICAL_NOW });
}, 90_000);

afterAll(async () => {
  await service?.stop();
  await withoutAnalytics?.stop();
  await fhir?.stop();
});

describe('review API: analytics table', () => {
  it('counts an override sent from the page, with its reason, for its rule (read through the signed client)', async () => {
    const run = await service.call<{ cards: CardView[] }>('/review/api/run', { json: { patientId: SEED_000, hook: 'patient-view' }, token: null });
    expect(run.status).toBe(200);
    const card = run.body.cards.find((c) => c.source.topic === STOP_TKI) as CardView;
    const override = await service.call<{ feedback: { status: number } }>('/review/api/override', {
      json: { cardUuid: card.uuid, reasonCode: 'prescribed-for-another-cancer' },
      token: null,
    });
    expect(override.body.feedback.status).toBe(200);

    const answer = await service.call<AnalyticsAnswer>('/review/api/analytics', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body.enabled).toBe(true);
    expect(answer.body.rules?.find((r) => r.ruleId === STOP_TKI)).toEqual({
      ruleId: STOP_TKI,
      shown: 1,
      accepted: 0,
      overridden: 1,
      acceptanceRate: 0,
      overrideReasons: [{ code: 'prescribed-for-another-cancer', display: 'Prescribed for another cancer', count: 1 }],
    });
    const logs = service.logRecords();
    const read = logs.find((r) => r.msg === 'request completed' && (r.req as { url?: string } | undefined)?.url === '/analytics/rules');
    expect(logs.find((r) => r.reqId === read?.reqId && r.msg === 'client authenticated')).toMatchObject({ iss: 'urn:nec-cds:review' });
  });

  it('says analytics are off when the service runs without ANALYTICS=enabled', async () => {
    const answer = await withoutAnalytics.call<AnalyticsAnswer>('/review/api/analytics', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ enabled: false, message: 'Override analytics are off: set ANALYTICS=enabled' });
  });
});
