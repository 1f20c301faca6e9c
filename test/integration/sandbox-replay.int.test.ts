import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardsWithTopic, DATA_UNAVAILABLE, emptyValuePaths, STOP_ADT, type Card, type CdsResponse } from '../helpers/cards.js';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import {
  CAPTURE_SERVICE_BASE,
  CAPTURE_TIME,
  capturedServiceEnv,
  capturedToken,
  readCaptured,
  replay,
  SANDBOX_ORIGIN,
  type CapturedRequest,
} from '../helpers/sandbox-capture.js';
import { hookAnsweredLog, startService, type RunningService } from '../helpers/service.js';

/**
 * Issue 6: the real traffic of one CDS Hooks Sandbox session, replayed over HTTP as captured — same path (the
 * stub's service ids, routed by CDS_SERVICE_ALIASES), same headers, same JWT (verified against the Sandbox's
 * published key with the JWT clock pinned to the capture, `aud` = the stub's URL via PUBLIC_BASE_URLS). Every
 * request is sent once, in the order the Sandbox sent them: each token has its own jti, which the replay cache
 * records like any other.
 *
 * The one change to a request: a hook call's `fhirServer` is the capture's FHIR stub (127.0.0.1:8091), which is
 * not running; it is pointed at the real embedded FHIR server, loaded with the captured patient
 * (fixtures/patients/sandbox-pca-74m.json), so the keys the Sandbox did not prefetch are fetched from it.
 */

const PATIENT_VIEW = readCaptured('patient-view.json');
const ORDER_SELECT = [
  readCaptured('order-select-1-empty-draft.json'),
  readCaptured('order-select-2-with-reason.json'),
  readCaptured('order-select-3-with-medication.json'),
  readCaptured('order-select-4-after-accepted-suggestion.json'),
];
const ORDER_SIGN = readCaptured('order-sign.json');
const FEEDBACK = {
  accepted: readCaptured('feedback-accepted.json'),
  overriddenWithReason: readCaptured('feedback-overridden-with-reason.json'),
  overridden: readCaptured('feedback-overridden.json'),
  acceptedOrderSelect: readCaptured('feedback-accepted-order-select.json'),
};
const ALL_SIGNED = [readCaptured('discovery.json'), PATIENT_VIEW, ...ORDER_SELECT, ORDER_SIGN, ...Object.values(FEEDBACK)];

let fhir: FhirServerProcess;
let service: RunningService;

beforeAll(async () => {
  fhir = await startFhirServer();
  service = await startService({
    env: capturedServiceEnv(),
    now: () => CAPTURE_TIME,
    authNow: () => CAPTURE_TIME,
    foreignTokens: ALL_SIGNED.map(capturedToken),
  });
});

afterAll(async () => {
  await service?.stop();
  await fhir?.stop();
});

/** A hook call as captured, with only `fhirServer` pointed at the running FHIR server (see the top comment). */
function withLiveFhirServer(captured: CapturedRequest): Record<string, unknown> {
  expect(captured.body?.fhirServer).toBe('http://127.0.0.1:8091/fhir');
  return { ...captured.body, fhirServer: fhir.url };
}

async function replayHook(captured: CapturedRequest) {
  const res = await replay<CdsResponse>(service.baseUrl, captured, withLiveFhirServer(captured));
  expect(res.status, res.text).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBe('*');
  expect(emptyValuePaths(res.body)).toEqual([]);
  expect(cardsWithTopic(res.body, DATA_UNAVAILABLE)).toEqual([]);
  return res.body;
}

const topics = (response: CdsResponse) => response.cards.map((c) => c.source.topic?.code);
const one = (response: CdsResponse, topic: string): Card => {
  const cards = cardsWithTopic(response, topic);
  expect(cards, topic).toHaveLength(1);
  return cards[0]!;
};
const deletes = (card: Card) =>
  (card.suggestions ?? [])
    .flatMap((s) => s.actions ?? [])
    .filter((a) => a.type === 'delete')
    .map((a) => a.resourceId);
/** `MedicationRequest/<id>` of each order a card's suggestions set to `stopped`. */
const stops = (card: Card) =>
  (card.suggestions ?? [])
    .flatMap((s) => s.actions ?? [])
    .filter((a) => a.type === 'update' && (a.resource as { status?: string } | undefined)?.status === 'stopped')
    .map((a) => `${a.resource?.resourceType}/${a.resource?.id}`);

describe('the captured requests are what the Sandbox sent', () => {
  it('carry its JWT (ES384, its kid and jku, aud = the stub URL called) on every non-preflight request', () => {
    for (const captured of ALL_SIGNED) {
      const [header, claims] = capturedToken(captured)
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
      expect(header).toMatchObject({ alg: 'ES384', kid: '44823f3d-0b01-4a6c-a80e-b9d3e8a7226f', jku: 'https://sandbox.cds-hooks.org/.well-known/jwks.json' });
      expect(claims?.aud).toBe(`${CAPTURE_SERVICE_BASE}${captured.path}`);
      expect(claims).not.toHaveProperty('sub');
      expect(Number(claims?.exp) * 1000).toBeGreaterThan(CAPTURE_TIME.getTime());
      expect(Number(claims?.iat) * 1000).toBeLessThanOrEqual(CAPTURE_TIME.getTime());
    }
  });
});

describe('CORS preflights (no Authorization header): answered before authentication', () => {
  it.each(['discovery-preflight.json', 'hook-preflight.json', 'feedback-preflight.json'])(
    '%s → 204 allowing the Sandbox origin, method and headers',
    async (file) => {
      const captured = readCaptured(file);
      expect(captured.headers.authorization).toBeUndefined();
      const res = await replay(service.baseUrl, captured);
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(String(res.headers['access-control-allow-methods'])).toContain(captured.headers['access-control-request-method']);
      const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
      for (const header of captured.headers['access-control-request-headers']!.split(',')) expect(allowed).toContain(header.trim());
    },
  );
});

describe('the preflights of the other calls (captured once: "the same apart from the path")', () => {
  it.each(['/cds-services/pca-order-select', '/cds-services/pca-order-sign', '/cds-services/pca-order-select/feedback'])('OPTIONS %s → 204', async (path) => {
    const res = await replay(service.baseUrl, { ...readCaptured('hook-preflight.json'), path });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('discovery', () => {
  it('GET /cds-services with the Sandbox JWT → 200 listing our three services (aliases are not listed)', async () => {
    const captured = readCaptured('discovery.json');
    expect(captured.headers.origin).toBe(SANDBOX_ORIGIN);
    const res = await replay<{ services: { id: string }[] }>(service.baseUrl, captured);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.body.services.map((s) => s.id).sort()).toEqual(['nec-order-select', 'nec-order-sign', 'nec-patient-view']);
  });
});

/** Cards of the patient-view replay, for the feedback replays below. */
let patientViewCards: Card[] = [];
/** Cards of the order-select replay that the Sandbox user accepted a suggestion of (enzalutamide). */
let orderSelectCards: Card[] = [];

describe('patient-view (partial prefetch under the stub keys patient, conditions, meds, psa, creatinine, reports)', () => {
  it('→ 200: stop leuprolide and axitinib, platinum–etoposide, PSA unreliable, clinical trial', async () => {
    const response = await replayHook(PATIENT_VIEW);
    patientViewCards = response.cards;
    expect(topics(response).sort()).toEqual([
      'clinical-trial-referral',
      'psa-unreliable-nepc',
      'start-platinum-etoposide',
      STOP_ADT,
      'stop-vegf-tki-small-cell',
    ]);
    const stopAdt = one(response, STOP_ADT);
    expect(stopAdt.indicator).toBe('warning');
    expect(stopAdt.summary).toMatch(/leuprolide/i);
    expect(stops(stopAdt)).toEqual(['MedicationRequest/mr-leuprolide']);
    const stopTki = one(response, 'stop-vegf-tki-small-cell');
    expect(stopTki.summary).toMatch(/axitinib/i);
    expect(stops(stopTki)).toEqual(['MedicationRequest/mr-axitinib']);
  });

  it('used the keys it shares with the Sandbox as sent and fetched the rest from fhirServer', () => {
    const log = hookAnsweredLog(service, PATIENT_VIEW.body?.hookInstance as string);
    for (const key of ['patient', 'conditions', 'reports']) expect(log.fetchedKeys).not.toContain(key);
    expect(log.fetchedKeys).toEqual(expect.arrayContaining(['medications', 'observations']));
    expect(log.unreadable).toBe(0);
  });
});

describe('order-select, as the Rx View fired it on every change of the draft', () => {
  it('#1 the empty draft (no medication, no intent) → 200, nothing to say about it', async () => {
    const draft = (ORDER_SELECT[0]!.body?.context as { draftOrders: { entry: { resource: Record<string, unknown> }[] } }).draftOrders.entry[0]!.resource;
    expect(draft).not.toHaveProperty('intent');
    expect(draft).not.toHaveProperty('medicationCodeableConcept');
    expect((await replayHook(ORDER_SELECT[0]!)).cards).toEqual([]);
  });

  it('#2 the draft with reasonCode as a single object → 200, still nothing to say', async () => {
    expect((await replayHook(ORDER_SELECT[1]!)).cards).toEqual([]);
  });

  it('#3 enzalutamide ({pill} dose, no unit; category an object) → 200, avoid enzalutamide: no benefit against small cell', async () => {
    const response = await replayHook(ORDER_SELECT[2]!);
    orderSelectCards = response.cards;
    expect(topics(response)).toEqual(['avoid-arpi-small-cell']);
    const card = one(response, 'avoid-arpi-small-cell');
    expect(card.indicator).toBe('warning');
    expect(card.summary).toMatch(/^Enzalutamide has no expected benefit against the small cell component/);
    expect(deletes(card)).toEqual(['MedicationRequest/request-123']);
  });

  it('#4 the draft after the accepted suggestion (abiraterone) → 200, the same advice for abiraterone and its prednisone', async () => {
    const response = await replayHook(ORDER_SELECT[3]!);
    expect(topics(response)).toEqual(['avoid-arpi-small-cell']);
    const card = one(response, 'avoid-arpi-small-cell');
    expect(card.summary).toMatch(/^Abiraterone has no expected benefit against the small cell component/);
    expect(`${card.detail} ${card.suggestions?.map((s) => s.label).join(' ')}`).toMatch(/prednisone/i);
  });
});

describe('order-sign (no selections, no reasonCode; prefetch patient, meds, psa)', () => {
  it('→ 200, avoid enzalutamide', async () => {
    const response = await replayHook(ORDER_SIGN);
    expect(topics(response)).toEqual(['avoid-arpi-small-cell']);
    expect(one(response, 'avoid-arpi-small-cell').summary).toMatch(/^Enzalutamide/);
    expect(hookAnsweredLog(service, ORDER_SIGN.body?.hookInstance as string).fetchedKeys).toEqual(
      expect.arrayContaining(['conditions', 'reports', 'observations']),
    );
  });
});

/**
 * The captured feedback names the stub's card and suggestion uuids, which this service never issued. Each body is
 * replayed as captured except that those uuids are re-pointed at the cards our replays above returned (and the
 * override reason at one our card offers, as the Sandbox sends the reason of the card it shows), so the replays
 * stay right when feedback is checked against the cards issued.
 */
describe('Sandbox feedback (replayed after the hook calls that produced the cards)', () => {
  type Feedback = { feedback: Record<string, unknown>[] };
  const repoint = (captured: CapturedRequest, change: (item: Record<string, unknown>) => Record<string, unknown>): Feedback => {
    const body = captured.body as Feedback;
    expect(body.feedback).toHaveLength(1);
    return { feedback: body.feedback.map(change) };
  };
  const withSuggestion = (cards: Card[]) => {
    const card = cards.find((c) => c.uuid && c.suggestions?.[0]?.uuid);
    if (!card) throw new Error('no card with a suggestion to accept');
    return { card: card.uuid!, suggestion: card.suggestions![0]!.uuid! };
  };

  it('accepted (a patient-view suggestion) → 200', async () => {
    const { card, suggestion } = withSuggestion(patientViewCards);
    const body = repoint(FEEDBACK.accepted, (item) => ({ ...item, card, acceptedSuggestions: [{ id: suggestion }] }));
    const res = await replay(service.baseUrl, FEEDBACK.accepted, body);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('overridden with a reason (code and system only, no display, no comment) → 200', async () => {
    const card = patientViewCards.find((c) => c.overrideReasons?.length);
    if (!card?.uuid) throw new Error('no patient-view card offers override reasons');
    const { code, system } = card.overrideReasons![0]!;
    const body = repoint(FEEDBACK.overriddenWithReason, (item) => ({ ...item, card: card.uuid, overrideReason: { reason: { code, system } } }));
    expect(body.feedback[0]).not.toHaveProperty('userComment');
    const res = await replay(service.baseUrl, FEEDBACK.overriddenWithReason, body);
    expect(res.status, res.text).toBe(200);
  });

  it('overridden by a plain Dismiss (no overrideReason) → 200', async () => {
    const card = patientViewCards.find((c) => c.source.topic?.code === 'psa-unreliable-nepc');
    const body = repoint(FEEDBACK.overridden, (item) => ({ ...item, card: card?.uuid }));
    expect(body.feedback[0]).not.toHaveProperty('overrideReason');
    const res = await replay(service.baseUrl, FEEDBACK.overridden, body);
    expect(res.status, res.text).toBe(200);
  });

  it('accepted (the order-select "switch" suggestion; accept: application/json, text/plain, */*) → 200', async () => {
    expect(FEEDBACK.acceptedOrderSelect.headers.accept).toBe('application/json, text/plain, */*');
    const { card, suggestion } = withSuggestion(orderSelectCards);
    const body = repoint(FEEDBACK.acceptedOrderSelect, (item) => ({ ...item, card, acceptedSuggestions: [{ id: suggestion }] }));
    const res = await replay(service.baseUrl, FEEDBACK.acceptedOrderSelect, body);
    expect(res.status, res.text).toBe(200);
  });
});

describe('the replay cache', () => {
  it('a captured token sent a second time is refused (jti replay), even by an alias', async () => {
    const res = await replay<{ message: string }>(service.baseUrl, readCaptured('discovery.json'));
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/jti replay/);
  });
});
