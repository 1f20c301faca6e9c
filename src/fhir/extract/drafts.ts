import type { Bundle, CodeableConcept, Dosage, MedicationRequest, Reference, Resource, ServiceRequest, Timing } from 'fhir/r4.js';
import type { DraftOrder, HookName } from '../../engine/picture.js';
import { entriesOf, type ResourceSet } from '../resources.js';
import type { Terminology } from '../terminology.js';
import { displayOf } from './conditions.js';
import { readEach } from './guard.js';
import { identifyDrug } from './medication.js';
import { identifyProcedure } from './procedures.js';
import { doseOf, dosageRoute, productTexts, routeFromProduct, therapyClasses } from './therapy.js';

function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
}

/**
 * The reason for an order as written: `reasonCode` texts/displays, then `reasonReference` displays. The CDS Hooks
 * Sandbox sends `reasonCode` as a single object rather than an array; both are accepted.
 */
export function reasonOf(resource: { reasonCode?: CodeableConcept | CodeableConcept[]; reasonReference?: Reference | Reference[] }): string | undefined {
  const fromCodes = asArray<CodeableConcept>(resource.reasonCode)
    .filter((cc) => typeof cc === 'object')
    .map((cc) => (cc.text ?? asArray(cc.coding).find((c) => typeof c?.display === 'string')?.display ?? '').trim())
    .filter(Boolean);
  const fromRefs = asArray<Reference>(resource.reasonReference)
    .map((r) => (typeof r?.display === 'string' ? r.display.trim() : ''))
    .filter(Boolean);
  const reasons = [...new Set([...fromCodes, ...fromRefs])];
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

function instructionTexts(dosages: Dosage[]): string[] {
  return dosages.flatMap((d) => [d.text, d.patientInstruction]).filter((t): t is string => typeof t === 'string' && t.trim() !== '');
}

function medicationDraft(request: MedicationRequest, ref: string, inScope: boolean, set: ResourceSet, terminology: Terminology): DraftOrder {
  const drug = identifyDrug(request, set, terminology);
  const dosages = asArray<Dosage>(request.dosageInstruction);
  const product = productTexts(request, set);
  const route = dosageRoute(dosages) ?? routeFromProduct(product);
  const dose = doseOf(dosages);
  const timings = dosages.map((d) => d.timing).filter((t): t is Timing => t !== undefined && t !== null && typeof t === 'object');
  const texts = [...product, ...instructionTexts(dosages)];
  const draft: DraftOrder = {
    ref,
    resourceType: 'MedicationRequest',
    asRecorded: drug?.asRecorded ?? 'medication not yet chosen',
    classes: drug ? therapyClasses(drug, { texts, route, doseMg: dose && /^mg$/i.test(dose.unit) ? dose.value : undefined, timings }) : [],
    inScope,
  };
  if (drug) draft.drug = drug.concept.id;
  if (route) draft.route = route;
  if (dose) draft.dose = dose;
  const reason = reasonOf(request);
  if (reason) draft.reason = reason;
  return draft;
}

function otherDraft(resource: Resource, ref: string, inScope: boolean, terminology: Terminology): DraftOrder {
  const code = (resource as { code?: CodeableConcept }).code;
  const draft: DraftOrder = { ref, resourceType: resource.resourceType, asRecorded: displayOf(code), classes: [], inScope };
  if (resource.resourceType === 'ServiceRequest') {
    const found = identifyProcedure(code, terminology);
    if (found) draft.procedure = found.concept.id;
  }
  const reason = reasonOf(resource as ServiceRequest);
  if (reason) draft.reason = reason;
  return draft;
}

/**
 * The unsigned orders of the hook's context. order-select: only `selections` are in scope (the others are
 * context); order-sign: every draft is. Drafts live only in the EHR's memory and are never re-read from the server.
 * Medication drafts carry the drug, its classes (short-acting octreotide is not an SSA), route and dose; ServiceRequest
 * drafts the procedure concept; both the reason as written.
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
    // A reference is only made of a resource type and an id that could be one ("Type/id"): a blank or slashed part is not.
    .filter(
      (r): r is Resource => typeof r?.resourceType === 'string' && /^[A-Za-z]+$/.test(r.resourceType) && typeof r.id === 'string' && /^[^\s/]+$/.test(r.id),
    );
  return readEach(
    resources,
    (resource): DraftOrder[] => {
      const ref = `${resource.resourceType}/${resource.id}`;
      const inScope = hook === 'order-sign' || selected.has(ref);
      if (resource.resourceType === 'MedicationRequest') return [medicationDraft(resource as MedicationRequest, ref, inScope, set, terminology)];
      return [otherDraft(resource, ref, inScope, terminology)];
    },
    unreadable,
  );
}
