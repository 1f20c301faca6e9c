import type { MedicationRequest } from 'fhir/r4.js';
import type { Therapy } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import type { Terminology } from '../terminology.js';
import { readEach } from './guard.js';
import { identifyDrug } from './medication.js';

const CURRENT = new Set(['active', 'on-hold']);
const PAST = new Set(['completed', 'stopped']);
/** Proposals and plans are not orders: nobody is taking the drug because of them. */
const NOT_AN_ORDER = new Set(['proposal', 'plan']);

/**
 * Therapies from MedicationRequests: active/on-hold → current, completed/stopped → past; drafts, cancelled,
 * entered-in-error and unknown statuses are not therapy.
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read
 */
export function extractTherapies(set: ResourceSet, terminology: Terminology, unreadable: string[]): Therapy[] {
  return readEach(set.ofType<MedicationRequest>('MedicationRequest'), (request): Therapy[] => {
    const status = CURRENT.has(request.status) ? 'current' : PAST.has(request.status) ? 'past' : undefined;
    if (!status || !request.id || NOT_AN_ORDER.has(request.intent)) return [];
    const drug = identifyDrug(request, set, terminology);
    if (!drug) return [];
    const ref = `MedicationRequest/${request.id}`;
    return [{
      drug: drug.concept.id,
      asRecorded: drug.asRecorded,
      classes: drug.classes,
      status,
      ref,
      kind: 'request',
      date: request.authoredOn,
      sources: [ref],
    }];
  }, unreadable);
}
