import type { CodeableConcept, Medication, MedicationAdministration, MedicationRequest, MedicationStatement, Reference, Resource } from 'fhir/r4.js';
import type { DrugClass } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import type { Concept, Terminology } from '../terminology.js';
import { medicationConcepts, medicationReferences } from './elements.js';

const medicationConcept = medicationConcepts;
const medicationReference = medicationReferences;

export interface IdentifiedDrug {
  concept: Concept;
  classes: DrugClass[];
  /** What the order says, as a clinician would read it. */
  asRecorded: string;
}

export type MedicationResource = MedicationRequest | MedicationStatement | MedicationAdministration;

function fromConcept(cc: CodeableConcept | undefined, terminology: Terminology): Concept | undefined {
  if (!cc) return undefined;
  for (const coding of cc.coding ?? []) {
    const drug = terminology.conceptsForCoding(coding).find((c) => c.kind === 'drug');
    if (drug) return drug;
  }
  const texts = [cc.text, ...(cc.coding ?? []).map((c) => c.display)].filter((t): t is string => Boolean(t));
  for (const text of texts) {
    const [drug] = terminology.drugsInText(text);
    if (drug) return drug;
  }
  return undefined;
}

/** What the record calls the drug: its text, else a coding's display — strings only (a malformed text is skipped). */
function describe(cc: CodeableConcept | undefined): string | undefined {
  if (typeof cc?.text === 'string' && cc.text !== '') return cc.text;
  const display = Array.isArray(cc?.coding) ? cc.coding.find((c) => typeof c?.display === 'string' && c.display !== '')?.display : undefined;
  return display;
}

/** The Medication a reference points at: contained (`#id`) or a separate resource of the call. */
export function resolveMedication(owner: Resource & { contained?: Resource[] }, ref: Reference, set: ResourceSet): Medication | undefined {
  const target = ref.reference;
  if (!target) return undefined;
  const found = target.startsWith('#') ? owner.contained?.find((r) => r.id === target.slice(1)) : set.get(target.replace(/^.*\/(Medication\/[^/]+)$/, '$1'));
  return found?.resourceType === 'Medication' ? (found as Medication) : undefined;
}

/**
 * Identifies the drug of a medication resource at any RxNorm level (ingredient, clinical or branded drug), through a
 * contained or separate Medication, or by name in text ("Lupron Depot 22.5 mg").
 * @returns the drug, or undefined when it is not a drug the rules know (or the Medication could not be read)
 */
export function identifyDrug(resource: MedicationResource, set: ResourceSet, terminology: Terminology): IdentifiedDrug | undefined {
  const [cc] = medicationConcept(resource);
  let concept = fromConcept(cc, terminology);
  let asRecorded = describe(cc);
  if (!cc) {
    const [ref] = medicationReference(resource);
    const medication = ref ? resolveMedication(resource, ref, set) : undefined;
    concept =
      fromConcept(medication?.code, terminology) ??
      // Some EHRs code a Medication only through its ingredients (Cerner's contained Medications).
      medication?.ingredient?.map((i) => fromConcept(i.itemCodeableConcept, terminology)).find((c) => c !== undefined) ??
      (ref?.display ? terminology.drugsInText(ref.display)[0] : undefined);
    asRecorded = describe(medication?.code) ?? ref?.display;
  }
  if (!concept) return undefined;
  return { concept, classes: concept.classes ?? [], asRecorded: asRecorded ?? concept.id };
}

/** Separate Medication resources referenced by these resources that the call does not hold yet. */
export function unresolvedMedicationRefs(resources: MedicationResource[], set: ResourceSet): string[] {
  const refs = new Set<string>();
  for (const resource of resources) {
    let target: unknown;
    try {
      target = medicationReference(resource)[0]?.reference;
    } catch {
      continue; // an unreadable request is reported by the extraction itself
    }
    if (typeof target !== 'string' || target.startsWith('#')) continue;
    const relative = /(?:^|\/)(Medication\/[A-Za-z0-9\-.]{1,64})$/.exec(target)?.[1];
    if (relative && !set.get(relative)) refs.add(relative);
  }
  return [...refs];
}
