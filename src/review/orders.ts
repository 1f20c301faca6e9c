import type { Bundle, MedicationRequest } from 'fhir/r4.js';
import type { Terminology } from '../fhir/terminology.js';

/**
 * The draft orders the review page can place in an order hook: a short list of the drugs of rules.md §3, each a
 * draft MedicationRequest (intent proposal) coded with the drug's RxNorm ingredient from the terminology.
 */

export const DRAFT_DRUGS = [
  'leuprolide',
  'abiraterone',
  'enzalutamide',
  'axitinib',
  'cisplatin',
  'carboplatin',
  'etoposide',
  'docetaxel',
  'octreotide',
  'radium-223',
  'olaparib',
  'oxaliplatin',
] as const;
export type DraftDrug = (typeof DRAFT_DRUGS)[number];

/** The id the page's draft for a drug carries (stable, so a suggestion naming it can be recognised). */
function draftId(drug: DraftDrug): string {
  return `review-draft-${drug}`;
}

/** The drugs to choose from, with their labels. */
export function draftChoices(terminology: Terminology): { id: DraftDrug; label: string }[] {
  return DRAFT_DRUGS.map((id) => ({ id, label: terminology.concept(id).label }));
}

/** A draft MedicationRequest for `drug`, as an EHR holds it before signing. */
export function draftOrder(drug: DraftDrug, patientId: string, terminology: Terminology): MedicationRequest {
  const code = terminology.orderCode(drug);
  const name = code?.display ?? drug;
  return {
    resourceType: 'MedicationRequest',
    id: draftId(drug),
    status: 'draft',
    intent: 'proposal',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { ...(code ? { coding: [code] } : {}), text: name },
  };
}

/** `context` of an order hook holding the draft (selected too, for order-select). */
export function orderContext(hook: 'order-select' | 'order-sign', draft: MedicationRequest | undefined) {
  const draftOrders: Bundle = { resourceType: 'Bundle', type: 'collection', entry: draft ? [{ resource: draft }] : [] };
  return hook === 'order-select' ? { draftOrders, selections: draft ? [`MedicationRequest/${draft.id}`] : [] } : { draftOrders };
}
