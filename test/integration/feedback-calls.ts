import type { MedicationRequest, Resource } from 'fhir/r4.js';
import { fullPrefetch } from '../../src/embedded-fhir/full-prefetch.js';
import { cardsWithTopic, readFixtureBundles, type Card, type CdsResponse } from '../helpers/cards.js';
import { orderSelectRequest, patientViewRequest, SERVICE_ID } from '../helpers/requests.js';
import type { CallOptions, RunningService } from '../helpers/service.js';

/**
 * Calls shared by the feedback, analytics, snooze and scale-out tests: a fixture patient's chart opened with full
 * prefetch (as an EHR that fills every template sends it; no FHIR server needed), an order written, feedback sent.
 */

export const NOW = new Date('2026-11-23T09:00:00Z');
export const PATIENT_VIEW = `/cds-services/${SERVICE_ID['patient-view']}`;
const ORDER_SELECT = `/cds-services/${SERVICE_ID['order-select']}`;
const OVERRIDE_SYSTEM = 'urn:nec-cds:override-reason';
/** seed 000 on leuprolide, axitinib and abiraterone: radium-223 ordered → a critical card. */
export const ON_ABIRATERONE = 'seed-000-on-radium-abiraterone';

const bundles = readFixtureBundles();

export function prefetchOf(patientId: string): Record<string, Resource> {
  const resources = (bundles.get(patientId)?.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined);
  if (resources.length === 0) throw new Error(`no fixture patient ${patientId}`);
  return fullPrefetch(resources);
}

type Call = Pick<CallOptions, 'token'>;

async function ok(service: RunningService, path: string, json: unknown, options: Call): Promise<CdsResponse> {
  const res = await service.call<CdsResponse>(path, { json, ...options });
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.text}`);
  return res.body;
}

export function openChart(service: RunningService, patientId: string, options: Call = {}): Promise<CdsResponse> {
  return ok(service, PATIENT_VIEW, patientViewRequest(patientId, { prefetch: prefetchOf(patientId) }), options);
}

export function orderRadium(service: RunningService, patientId: string, options: Call = {}): Promise<CdsResponse> {
  const draft: MedicationRequest = {
    resourceType: 'MedicationRequest',
    id: 'draft-radium',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { text: 'Xofigo (radium Ra 223 dichloride) 55 kBq/kg IV every 4 weeks' },
  };
  return ok(service, ORDER_SELECT, orderSelectRequest(patientId, { prefetch: prefetchOf(patientId), drafts: [draft] }), options);
}

/** The one card of `rule` in a response (throws when absent or not one). */
export function cardOf(response: CdsResponse, rule: string): Card & { uuid: string } {
  const cards = cardsWithTopic(response, rule);
  if (cards.length !== 1 || !cards[0]?.uuid) throw new Error(`expected one ${rule} card with a uuid, got ${cards.length}`);
  return cards[0] as Card & { uuid: string };
}

export const rulesOf = (response: CdsResponse) => response.cards.map((c) => c.source.topic?.code).sort();

export const overridden = (card: string, code?: string, at = '2026-11-23T10:05:31Z') => ({
  card,
  outcome: 'overridden',
  ...(code ? { overrideReason: { reason: { system: OVERRIDE_SYSTEM, code } } } : {}),
  outcomeTimestamp: at,
});

export const accepted = (card: Card & { uuid: string }, at = '2026-11-23T10:05:31Z') => ({
  card: card.uuid,
  outcome: 'accepted',
  acceptedSuggestions: [{ id: card.suggestions?.[0]?.uuid ?? 'no-suggestion' }],
  outcomeTimestamp: at,
});

export interface FeedbackAnswer {
  received: number;
  stored: number;
  duplicates: number;
  snoozed: number;
}

export function sendFeedback(service: RunningService, feedback: unknown[], options: Call & { path?: string } = {}) {
  return service.call<FeedbackAnswer & { error?: string; message?: string; details?: string[] }>(`${options.path ?? PATIENT_VIEW}/feedback`, {
    json: { feedback },
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
}
