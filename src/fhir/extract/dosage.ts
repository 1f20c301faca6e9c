import type { CodeableConcept, Coding, Dosage, Quantity } from 'fhir/r4.js';
import type { ResourceSet } from '../resources.js';
import { type MedicationResource, resolveMedication } from './medication.js';

const ROUTE_CODES: Record<string, string> = {
  '26643006': 'oral',
  '47625008': 'intravenous',
  '78421000': 'intramuscular',
  '34206005': 'subcutaneous',
  // HL7 v3 RouteOfAdministration
  PO: 'oral',
  IVINJ: 'intravenous',
  IVINFUS: 'intravenous',
  IM: 'intramuscular',
  SQ: 'subcutaneous',
};

const ROUTE_WORDS: { route: string; re: RegExp }[] = [
  { route: 'intravenous', re: /\bintravenous(?:ly)?\b|\bi\.?v\.?\b|\bivpb\b|\binfusion\b/i },
  { route: 'intramuscular', re: /\bintramuscular(?:ly)?\b|\bi\.?m\.?\b/i },
  { route: 'subcutaneous', re: /\bsub[-\s]?cutaneous(?:ly)?\b|\bsubcut\b|\bs\.?c\.?\b|\bsq\b|\bsubq\b/i },
  { route: 'oral', re: /\boral(?:ly)?\b|\bby mouth\b|\bp\.?o\.?\b/i },
];

/**
 * A route as a clinician says it (`oral`, `intravenous`, `intramuscular`, `subcutaneous`), from SNOMED / HL7 route
 * codes, then the words of the text or displays; otherwise the text as recorded, lower-cased.
 */
export function routeOf(cc: CodeableConcept | undefined): string | undefined {
  if (!cc || typeof cc !== 'object') return undefined;
  for (const coding of Array.isArray(cc.coding) ? cc.coding : []) {
    const route = typeof coding?.code === 'string' ? ROUTE_CODES[coding.code] : undefined;
    if (route) return route;
  }
  const texts = [cc.text, ...(Array.isArray(cc.coding) ? cc.coding.map((c) => c?.display) : [])].filter(
    (t): t is string => typeof t === 'string' && t.trim() !== '',
  );
  for (const text of texts) {
    for (const { route, re } of ROUTE_WORDS) if (re.test(text)) return route;
  }
  return texts[0]?.trim().toLowerCase();
}

/** The route a product's dose form implies, when it implies one ("Oral Capsule" → oral). */
export function routeFromProduct(texts: string[]): string | undefined {
  return texts.some((t) => /\boral\b/i.test(t)) ? 'oral' : undefined;
}

function quantityDose(q: Quantity | undefined): { value: number; unit: string } | undefined {
  if (!q || typeof q !== 'object' || typeof q.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  const unit = typeof q.code === 'string' && q.code !== '' ? q.code : typeof q.unit === 'string' ? q.unit : '';
  return { value: q.value, unit };
}

/** The dose of the first dosage that states one (`doseAndRate[].doseQuantity`). */
export function doseOf(dosages: Dosage[]): { value: number; unit: string } | undefined {
  for (const dosage of dosages) {
    for (const dr of Array.isArray(dosage?.doseAndRate) ? dosage.doseAndRate : []) {
      const dose = quantityDose(dr?.doseQuantity);
      if (dose) return dose;
    }
  }
  return undefined;
}

/** The route of the first dosage that states one. */
export function dosageRoute(dosages: Dosage[]): string | undefined {
  for (const dosage of dosages) {
    const route = routeOf(dosage?.route);
    if (route) return route;
  }
  return undefined;
}

export function doseInMg(dose: { value: number; unit: string } | undefined): number | undefined {
  return dose && /^mg$/i.test(dose.unit.trim()) ? dose.value : undefined;
}

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
}

function conceptTexts(cc: CodeableConcept | undefined): string[] {
  if (!cc || typeof cc !== 'object') return [];
  return [cc.text, ...asArray<Coding>(cc.coding).map((c) => c.display)].filter((t): t is string => typeof t === 'string' && t.trim() !== '');
}

/** What the product is called: the medication's text and displays, a resolved Medication's code, form and ingredients. */
export function productTexts(resource: MedicationResource, set: ResourceSet): string[] {
  const texts = conceptTexts(resource.medicationCodeableConcept);
  const ref = resource.medicationReference;
  if (ref && typeof ref === 'object') {
    const medication = resolveMedication(resource, ref, set);
    if (medication) {
      texts.push(...conceptTexts(medication.code), ...conceptTexts(medication.form));
      for (const ingredient of asArray(medication.ingredient)) texts.push(...conceptTexts(ingredient.itemCodeableConcept));
    }
    if (typeof ref.display === 'string' && ref.display.trim() !== '') texts.push(ref.display);
  }
  return texts;
}

export function instructionTexts(dosages: Dosage[]): string[] {
  return dosages
    .flatMap((d) => [d.text, d.patientInstruction, ...conceptTexts(d.timing?.code)])
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '');
}
