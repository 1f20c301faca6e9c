import { randomUUID } from 'node:crypto';
import type { Bundle, MedicationRequest, Resource } from 'fhir/r4.js';
import { services } from '../../src/hooks/services.js';
import { fhirGet } from './fhir-server.js';

/**
 * CDS Hooks 2.0 request bodies as an EHR sends them: patient-view, order-select and order-sign, with no, partial
 * or full prefetch (read from the FHIR server the way the EHR would fill the service's templates).
 */

export type HookName = 'patient-view' | 'order-select' | 'order-sign';

export const SERVICE_ID: Record<HookName, string> = {
  'patient-view': 'nec-patient-view',
  'order-select': 'nec-order-select',
  'order-sign': 'nec-order-sign',
};

export const USER_ID = 'Practitioner/test-oncologist';
export const DEFAULT_ACCESS_TOKEN = 'test-fhir-access-token';
export const DRAFT_LEUPROLIDE_ID = 'draft-leuprolide-1';

/** The prefetch keys the services declare (all three share them). */
/** The prefetch keys the services declare in discovery (all three declare the same). */
export const PREFETCH_KEYS: readonly string[] = (services[0]?.prefetch ?? []).map((p) => p.key);
export type PrefetchKey = string;

export interface HookRequestOptions {
  /** The EHR's FHIR base; with it, `fhirAuthorization` is sent too (unless `accessToken: null`). */
  fhirServer?: string;
  /** `fhirAuthorization.access_token`; null: send `fhirServer` without `fhirAuthorization`. */
  accessToken?: string | null;
  prefetch?: Record<string, unknown>;
  hookInstance?: string;
}

export interface OrderRequestOptions extends HookRequestOptions {
  /** The draft orders (default: the leuprolide draft). */
  drafts?: Resource[];
}

export interface OrderSelectOptions extends OrderRequestOptions {
  /** `context.selections` (default: every draft). */
  selections?: string[];
}

/** A draft MedicationRequest for leuprolide (RxNorm ingredient 42375) as an EHR holds it before signing. */
export function draftLeuprolide(patientId: string, id = DRAFT_LEUPROLIDE_ID): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '42375', display: 'leuprolide' }],
      text: 'leuprolide acetate 22.5 mg depot',
    },
    subject: { reference: `Patient/${patientId}` },
    dosageInstruction: [{ text: '22.5 mg IM every 3 months' }],
  };
}

/** A draft of something unrelated to androgen deprivation (an antiemetic), to select instead of leuprolide. */
export function draftOndansetron(patientId: string, id = 'draft-ondansetron-1'): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    medicationCodeableConcept: { text: 'ondansetron 8 mg tablet' },
    subject: { reference: `Patient/${patientId}` },
  };
}

function envelope(hook: HookName, context: Record<string, unknown>, opts: HookRequestOptions) {
  const body: Record<string, unknown> = { hook, hookInstance: opts.hookInstance ?? randomUUID(), context };
  if (opts.fhirServer) {
    body.fhirServer = opts.fhirServer;
    if (opts.accessToken !== null) {
      body.fhirAuthorization = {
        access_token: opts.accessToken ?? DEFAULT_ACCESS_TOKEN,
        token_type: 'Bearer',
        expires_in: 300,
        scope: 'user/Patient.read user/Condition.read user/MedicationRequest.read user/Medication.read user/DiagnosticReport.read user/Observation.read',
        subject: 'nec-cds',
      };
    }
  }
  if (opts.prefetch) body.prefetch = opts.prefetch;
  return body;
}

function draftBundle(drafts: Resource[]): Bundle {
  return { resourceType: 'Bundle', type: 'collection', entry: drafts.map((resource) => ({ resource })) };
}

const refOf = (r: Resource) => `${r.resourceType}/${r.id}`;

export function patientViewRequest(patientId: string, opts: HookRequestOptions = {}) {
  return envelope('patient-view', { userId: USER_ID, patientId }, opts);
}

export function orderSelectRequest(patientId: string, opts: OrderSelectOptions = {}) {
  const drafts = opts.drafts ?? [draftLeuprolide(patientId)];
  const selections = opts.selections ?? drafts.map(refOf);
  return envelope('order-select', { userId: USER_ID, patientId, selections, draftOrders: draftBundle(drafts) }, opts);
}

function orderSignRequest(patientId: string, opts: OrderRequestOptions = {}) {
  const drafts = opts.drafts ?? [draftLeuprolide(patientId)];
  return envelope('order-sign', { userId: USER_ID, patientId, draftOrders: draftBundle(drafts) }, opts);
}

/** The request for `hook` with its default drafts. */
export function hookRequest(hook: HookName, patientId: string, opts: HookRequestOptions = {}) {
  switch (hook) {
    case 'patient-view':
      return patientViewRequest(patientId, opts);
    case 'order-select':
      return orderSelectRequest(patientId, opts);
    case 'order-sign':
      return orderSignRequest(patientId, opts);
  }
}

/** The relative FHIR URL of a prefetch key, filled the way an EHR fills the service's declared template. */
function prefetchUrl(key: PrefetchKey, patientId: string): string {
  const template = services[0]?.prefetch.find((p) => p.key === key)?.template;
  if (!template) throw new Error(`no prefetch template "${key}"`);
  return template.replaceAll('{{context.patientId}}', encodeURIComponent(patientId)).replaceAll('{{context.userId}}', encodeURIComponent(USER_ID));
}

/**
 * Prefetch as an EHR would send it: each requested key read from the FHIR server with the filled template.
 * @param fhirBase - the FHIR server
 * @param patientId - the patient
 * @param keys - which keys to satisfy (default: all)
 */
export async function readPrefetch(fhirBase: string, patientId: string, keys: readonly PrefetchKey[] = PREFETCH_KEYS) {
  const entries = await Promise.all(keys.map(async (key) => [key, await fhirGet(fhirBase, prefetchUrl(key, patientId))] as const));
  return Object.fromEntries(entries) as Partial<Record<PrefetchKey, Resource>>;
}
