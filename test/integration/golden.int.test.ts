import type { Resource } from 'fhir/r4.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, defaultDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fullPrefetch } from '../../src/embedded-fhir/full-prefetch.js';
import { readFixtureBundles } from '../helpers/cards.js';
import { sharedTestDatabase } from '../helpers/database.js';

/**
 * Golden responses: for each seed scenario the whole CDS Hooks response, with a fixed clock and fixed ids, compared
 * with the reviewed file under test/integration/golden/. A change to any card's text, facts, suggestions or order
 * shows up here as a diff to review (`npx vitest run -u` rewrites them after review).
 */

const NOW = new Date('2026-11-23T09:00:00Z');
const bundles = readFixtureBundles();
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  const config = loadConfig({ CDS_AUTH: 'disabled', LOG_LEVEL: 'silent' });
  let id = 0;
  app = await buildApp(config, {
    ...defaultDeps(config),
    database: await sharedTestDatabase(),
    logger: pino({ level: 'silent' }),
    now: () => NOW,
    newId: () => `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}`,
  });
});

afterAll(async () => {
  await app?.close();
});

function prefetchOf(patientId: string): Record<string, Resource> {
  return fullPrefetch((bundles.get(patientId)?.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined));
}

async function call(serviceId: string, body: object) {
  const res = await app.inject({ method: 'POST', url: `/cds-services/${serviceId}`, payload: body });
  expect(res.statusCode).toBe(200);
  return res.json() as object;
}

const draft = (id: string, rxnorm: string, text: string) => ({
  resource: {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/x' },
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: rxnorm }], text },
  },
});

describe('golden responses per seed scenario', () => {
  it.each(['seed-000-nepc-liver', 'seed-004-sigmoid-nec'].filter((id) => bundles.has(id)))('%s: patient-view', async (patientId) => {
    const response = await call('nec-patient-view', {
      hook: 'patient-view',
      hookInstance: `golden-${patientId}`,
      context: { userId: 'Practitioner/golden', patientId },
      prefetch: prefetchOf(patientId),
    });
    await expect(JSON.stringify(response, null, 2)).toMatchFileSnapshot(`golden/${patientId}.patient-view.json`);
  });

  it('seed-000-nepc-liver: order-sign of leuprolide', async () => {
    const response = await call('nec-order-sign', {
      hook: 'order-sign',
      hookInstance: 'golden-seed-000-order-sign',
      context: {
        userId: 'Practitioner/golden',
        patientId: 'seed-000-nepc-liver',
        draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [draft('draft-leuprolide', '2606516', 'Lupron Depot 22.5 mg')] },
      },
      prefetch: prefetchOf('seed-000-nepc-liver'),
    });
    await expect(JSON.stringify(response, null, 2)).toMatchFileSnapshot('golden/seed-000-nepc-liver.order-sign.json');
  });
});
