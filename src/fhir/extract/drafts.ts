import type { Bundle, MedicationRequest, Resource } from 'fhir/r4.js';
import type { DraftOrder, HookName } from '../../engine/picture.js';
import { entriesOf, type ResourceSet } from '../resources.js';
import type { Terminology } from '../terminology.js';
import { displayOf } from './conditions.js';
import { readEach } from './guard.js';
import { identifyDrug } from './medication.js';

/**
 * The unsigned orders of the hook's context. order-select: only `selections` are in scope (the others are
 * context); order-sign: every draft is. Drafts live only in the EHR's memory and are never re-read from the server.
 * @param draftOrders - `context.draftOrders` (a Bundle; its `type` and `fullUrl`s may be missing)
 * @param selections - `context.selections` (`Type/id`), order-select only
 * @param hook - the hook called
 * @param set - the call's resources, to resolve a separate Medication
 * @param terminology - concept index
 * @param unreadable - collects drafts that could not be read
 */
export function extractDraftOrders(
  draftOrders: Bundle | undefined,
  selections: string[] | undefined,
  hook: HookName,
  set: ResourceSet,
  terminology: Terminology,
  unreadable: string[],
): DraftOrder[] {
  if (hook === 'patient-view' || !draftOrders) return [];
  const selected = new Set(selections ?? []);
  const resources = entriesOf(draftOrders)
    .map((entry) => entry.resource)
    .filter((r): r is Resource => typeof r?.resourceType === 'string' && typeof r.id === 'string');
  return readEach(resources, (resource): DraftOrder[] => {
    const ref = `${resource.resourceType}/${resource.id}`;
    const inScope = hook === 'order-sign' || selected.has(ref);
    if (resource.resourceType === 'MedicationRequest') {
      const drug = identifyDrug(resource as MedicationRequest, set, terminology);
      return [{ ref, resourceType: resource.resourceType, drug: drug?.concept.id, asRecorded: drug?.asRecorded ?? 'medication not yet chosen', classes: drug?.classes ?? [], inScope }];
    }
    const code = (resource as { code?: Parameters<typeof displayOf>[0] }).code;
    return [{ ref, resourceType: resource.resourceType, asRecorded: displayOf(code), classes: [], inScope }];
  }, unreadable);
}
