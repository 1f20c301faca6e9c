import type { Bundle, MedicationRequest, OperationOutcome } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardsWithTopic,
  DATA_UNAVAILABLE,
  emptyValuePaths,
  NEAR_MISSES,
  RULE_TOPIC_SYSTEM,
  SEED_000,
  STOP_ADT,
  type Card,
  type CdsResponse,
} from '../helpers/cards.js';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { validateR4 } from '../helpers/fhir-validation.js';
import { createTestIssuer } from '../helpers/jwt.js';
import {
  draftLeuprolide,
  draftOndansetron,
  DRAFT_LEUPROLIDE_ID,
  hookRequest,
  orderSelectRequest,
  patientViewRequest,
  PREFETCH_KEYS,
  readPrefetch,
  SERVICE_ID,
  type HookName,
  type HookRequestOptions,
} from '../helpers/requests.js';
import { hookAnsweredLog, startService, type RunningService } from '../helpers/service.js';

/**
 * Issue 3 acceptance: rule stop-adt-small-cell end to end — real FHIR server process, real HTTP, real JWTs.
 * The seed-000 patient gets exactly one card naming leuprolide on every hook; no near miss gets one.
 */

const HOOKS: HookName[] = ['patient-view', 'order-select', 'order-sign'];
const OPERATION_OUTCOME: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [{ severity: 'error', code: 'exception', diagnostics: 'EHR prefetch failed' }],
};

let fhir: FhirServerProcess;
let service: RunningService;

beforeAll(async () => {
  const [server, issuer] = await Promise.all([startFhirServer(), createTestIssuer()]);
  fhir = server;
  service = await startService({ issuer });
});

afterAll(async () => {
  await service?.stop();
  await fhir?.stop();
});

/** Calls the hook's service with a freshly signed JWT; returns the response and what the service logged for it. */
async function callHook(hook: HookName, body: Record<string, unknown>) {
  const res = await service.call<CdsResponse>(`/cds-services/${SERVICE_ID[hook]}`, { json: body });
  expect(res.status, res.text).toBe(200);
  return { response: res.body, log: hookAnsweredLog(service, body.hookInstance as string) };
}

/** CDS Hooks 2.0 card obligations (§7) plus ours: uuid always, override reasons on every rule card. */
function expectWellFormedCard(card: Card) {
  expect(card.uuid).toMatch(/^[0-9a-f-]{36}$/);
  expect(card.summary.length).toBeGreaterThan(0);
  expect(card.summary.length).toBeLessThan(140);
  expect(['info', 'warning', 'critical']).toContain(card.indicator);
  expect(card.source.label).toEqual(expect.any(String));
  expect(card.overrideReasons?.length).toBeGreaterThan(0);
  for (const reason of card.overrideReasons ?? []) {
    expect(reason).toEqual({ system: expect.any(String), code: expect.any(String), display: expect.any(String) });
  }
  if (card.suggestions) {
    expect(['at-most-one', 'any']).toContain(card.selectionBehavior);
    for (const suggestion of card.suggestions) {
      expect(suggestion.label).toEqual(expect.any(String));
      for (const action of suggestion.actions ?? []) {
        expect(action.description).toEqual(expect.any(String));
        if (action.type === 'create' || action.type === 'update') expect(() => validateR4(action.resource)).not.toThrow();
      }
    }
  }
}

/** The single stop-adt-small-cell card of a response, checked for shape and for naming leuprolide. */
function theStopAdtCard(response: CdsResponse): Card {
  expect(emptyValuePaths(response)).toEqual([]);
  expect(cardsWithTopic(response, DATA_UNAVAILABLE)).toEqual([]);
  const cards = cardsWithTopic(response, STOP_ADT);
  expect(cards).toHaveLength(1);
  const card = cards[0]!;
  expect(card.source.topic).toMatchObject({ system: RULE_TOPIC_SYSTEM, code: STOP_ADT });
  expect(card.summary).toMatch(/leuprolide/i);
  expectWellFormedCard(card);
  return card;
}

function expectSuggestionFor(hook: HookName, card: Card) {
  expect(card.suggestions).toHaveLength(1);
  const actions = card.suggestions![0]!.actions ?? [];
  expect(actions).toHaveLength(1);
  const action = actions[0]!;
  if (hook === 'patient-view') {
    expect(action.type).toBe('update');
    const resource = action.resource as MedicationRequest;
    expect(`${resource.resourceType}/${resource.id}`).toBe('MedicationRequest/seed-000-leuprolide');
    expect(resource.status).toBe('stopped');
    expect(resource.statusReason?.text ?? resource.statusReason?.coding?.[0]?.code).toEqual(expect.any(String));
  } else {
    expect(action).toMatchObject({ type: 'delete', resourceId: `MedicationRequest/${DRAFT_LEUPROLIDE_ID}` });
    expect(action.resource).toBeUndefined();
  }
}

describe('seed-000 gets exactly one stop-adt-small-cell card naming leuprolide', () => {
  type Mode = 'no prefetch' | 'partial prefetch' | 'full prefetch, no fhirServer';
  const MODES: Mode[] = ['no prefetch', 'partial prefetch', 'full prefetch, no fhirServer'];
  const cases = HOOKS.flatMap((hook) => MODES.map((mode) => [hook, mode] as const));

  async function optionsFor(mode: Mode): Promise<HookRequestOptions> {
    switch (mode) {
      case 'no prefetch':
        return { fhirServer: fhir.url };
      case 'partial prefetch':
        return { fhirServer: fhir.url, prefetch: await readPrefetch(fhir.url, SEED_000, ['patient', 'conditions']) };
      case 'full prefetch, no fhirServer':
        return { prefetch: await readPrefetch(fhir.url, SEED_000) };
    }
  }
  const expectedFetched: Record<Mode, string[]> = {
    'no prefetch': [...PREFETCH_KEYS],
    'partial prefetch': PREFETCH_KEYS.filter((k) => k !== 'patient' && k !== 'conditions'),
    'full prefetch, no fhirServer': [],
  };

  it.each(cases)('%s, %s', async (hook, mode) => {
    const { response, log } = await callHook(hook, hookRequest(hook, SEED_000, await optionsFor(mode)));
    expect([...log.fetchedKeys].sort()).toEqual([...expectedFetched[mode]].sort());
    expect(log.unreadable).toBe(0);
    expectSuggestionFor(hook, theStopAdtCard(response));
  });
});

describe('near misses get no stop-adt-small-cell card', () => {
  const cases = NEAR_MISSES.flatMap((patientId) => HOOKS.map((hook) => [patientId, hook] as const));

  it.each(cases)('%s on %s', async (patientId, hook) => {
    const { response, log } = await callHook(hook, hookRequest(hook, patientId, { fhirServer: fhir.url }));
    expect(cardsWithTopic(response, STOP_ADT)).toEqual([]);
    // Not vacuous: all the patient's data was fetched and readable.
    expect([...log.fetchedKeys].sort()).toEqual([...PREFETCH_KEYS].sort());
    expect(log.unreadable).toBe(0);
    expect(cardsWithTopic(response, DATA_UNAVAILABLE)).toEqual([]);
    expect(emptyValuePaths(response)).toEqual([]);
  });
});

describe('order-select scope', () => {
  it('gives no card when the leuprolide draft is not among the selections', async () => {
    const drafts = [draftLeuprolide(SEED_000), draftOndansetron(SEED_000)];
    const body = orderSelectRequest(SEED_000, { fhirServer: fhir.url, drafts, selections: ['MedicationRequest/draft-ondansetron-1'] });
    const { response, log } = await callHook('order-select', body);
    expect(log.unreadable).toBe(0);
    expect(cardsWithTopic(response, STOP_ADT)).toEqual([]);
  });

  it('gives the card when the leuprolide draft is selected next to an unrelated one', async () => {
    const drafts = [draftLeuprolide(SEED_000), draftOndansetron(SEED_000)];
    const body = orderSelectRequest(SEED_000, { fhirServer: fhir.url, drafts, selections: [`MedicationRequest/${DRAFT_LEUPROLIDE_ID}`] });
    const { response } = await callHook('order-select', body);
    expectSuggestionFor('order-select', theStopAdtCard(response));
  });
});

describe('prefetch values the EHR sends (CDS Hooks 2.0 §5 decision table)', () => {
  it('"conditions": null means no conditions: not re-queried, and no card without a known prostate cancer', async () => {
    const body = patientViewRequest(SEED_000, { fhirServer: fhir.url, prefetch: { conditions: null } });
    const { response, log } = await callHook('patient-view', body);
    expect(log.fetchedKeys).not.toContain('conditions');
    expect([...log.fetchedKeys].sort()).toEqual(PREFETCH_KEYS.filter((k) => k !== 'conditions').sort());
    expect(cardsWithTopic(response, STOP_ADT)).toEqual([]);
  });

  it('"conditions": null with every other key prefetched and no fhirServer is answered (200), not 412', async () => {
    const prefetch = { ...(await readPrefetch(fhir.url, SEED_000)), conditions: null };
    const { response, log } = await callHook('patient-view', patientViewRequest(SEED_000, { prefetch }));
    expect(log.fetchedKeys).toEqual([]);
    expect(cardsWithTopic(response, STOP_ADT)).toEqual([]);
  });

  const errorValues: [string, OperationOutcome | Bundle][] = [
    ['an OperationOutcome', OPERATION_OUTCOME],
    ['a Bundle of OperationOutcomes', { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: OPERATION_OUTCOME }] }],
  ];
  it.each(errorValues)('a key holding %s is fetched from the FHIR server instead, and the card appears', async (_label, value) => {
    const prefetch = { ...(await readPrefetch(fhir.url, SEED_000, ['patient', 'medications'])), conditions: value };
    const { response, log } = await callHook('patient-view', patientViewRequest(SEED_000, { fhirServer: fhir.url, prefetch }));
    expect(log.fetchedKeys).toContain('conditions');
    expect(log.fetchedKeys).not.toContain('medications');
    expectSuggestionFor('patient-view', theStopAdtCard(response));
  });
});
