import type { MedicationRequest } from 'fhir/r4.js';
import type { DerivedFact, DraftOrder, DrugClass, Fact, LabFact, Metastasis, PatientPicture } from '../../../src/engine/picture.js';
import { NOW, picture } from '../builders.js';

/** Builders shared by the dosing rules' tests (cisplatin-renal-risk, chemo-dose-check, hepatic-dose-check, pre-cycle-labs). */

const DAY = 86_400_000;

/** The date (YYYY-MM-DD) `days` days before NOW: `ageInDays` of it at NOW is exactly `days`. */
export function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * DAY).toISOString().slice(0, 10);
}

/** Three days before NOW: fresh for every 7-day window. */
const FRESH = daysAgo(3);

export function lab(value: number, unit: string, overrides: Partial<LabFact> = {}): LabFact {
  return { value, unit, date: FRESH, sources: ['Observation/lab'], ...overrides };
}

export function fact<T>(value: T, overrides: Partial<Fact<T>> = {}): Fact<T> {
  return { value, date: FRESH, sources: ['Observation/fact'], ...overrides };
}

export function gfr(value: number, overrides: Partial<DerivedFact> = {}): DerivedFact {
  return {
    value,
    unit: 'mL/min',
    method: 'cockcroft-gault',
    formula: `(140 − 70 y) × 80.0 kg / (72 × 1.00 mg/dL) = ${Math.round(value)} mL/min (actual body weight)`,
    date: FRESH,
    sources: ['Observation/weight', 'Observation/creatinine'],
    ...overrides,
  };
}

export function bsa(value: number, overrides: Partial<DerivedFact> = {}): DerivedFact {
  return {
    value,
    unit: 'm2',
    method: 'Mosteller',
    formula: `Mosteller = ${value.toFixed(2)} m²`,
    date: FRESH,
    sources: ['Observation/weight', 'Observation/height'],
    ...overrides,
  };
}

const CLASSES: Record<string, DrugClass[]> = {
  cisplatin: ['PLATINUM'],
  carboplatin: ['PLATINUM'],
  etoposide: ['ETOPOSIDE'],
  docetaxel: ['TAXANE'],
  cabazitaxel: ['TAXANE'],
  'radium-223': ['RADIUM'],
  oxaliplatin: ['COLORECTAL-REGIMEN'],
  irinotecan: ['COLORECTAL-REGIMEN'],
  fluorouracil: ['COLORECTAL-REGIMEN'],
  leucovorin: ['COLORECTAL-REGIMEN'],
  capecitabine: ['COLORECTAL-REGIMEN', 'CAPTEM'],
  temozolomide: ['CAPTEM'],
  topotecan: [],
  lurbinectedin: [],
  leuprolide: ['ADT'],
  axitinib: ['VEGF-TKI'],
};

/** A chemotherapy draft with its classes from the terminology; dose as `[value, unit]` when given. */
export function chemo(drug: string, dose?: [number, string], overrides: Partial<DraftOrder> = {}): DraftOrder {
  return {
    ref: `MedicationRequest/draft-${drug}`,
    resourceType: 'MedicationRequest',
    drug,
    asRecorded: `${drug} draft`,
    classes: CLASSES[drug] ?? [],
    inScope: true,
    route: 'intravenous',
    ...(dose ? { dose: { value: dose[0], unit: dose[1] } } : {}),
    ...overrides,
  };
}

/** The FHIR draft a set-draft-dose action updates (for renderRecommendation). */
export function draftResource(d: DraftOrder): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: d.ref.split('/')[1] ?? 'draft',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    medicationCodeableConcept: { text: d.drug ?? d.asRecorded },
    dosageInstruction: [
      {
        text: d.asRecorded,
        ...(d.dose
          ? { doseAndRate: [{ doseQuantity: { value: d.dose.value, unit: d.dose.unit, system: 'http://unitsofmeasure.org', code: d.dose.unit } }] }
          : {}),
      },
    ],
  };
}

export function liverMetastasis(): Metastasis {
  return { site: 'liver', visceral: true, display: 'Secondary malignant neoplasm of liver', date: '2026-10-01', sources: ['Condition/liver-met'] };
}

/** Normal blood counts and liver tests, with the lab's upper limits of normal, all 3 days old. */
export function normalLabs(): PatientPicture['labs'] {
  return {
    anc: lab(3.2, '10*3/uL', { sources: ['Observation/anc'] }),
    platelets: lab(240, '10*3/uL', { sources: ['Observation/plt'] }),
    hemoglobin: lab(12.5, 'g/dL', { sources: ['Observation/hb'] }),
    wbc: lab(6.1, '10*3/uL', { sources: ['Observation/wbc'] }),
    ast: lab(25, 'U/L', { referenceHigh: 40, sources: ['Observation/ast'] }),
    alt: lab(30, 'U/L', { referenceHigh: 40, sources: ['Observation/alt'] }),
    bilirubin: lab(0.8, 'mg/dL', { referenceHigh: 1.2, sources: ['Observation/bili'] }),
    alp: lab(90, 'U/L', { referenceHigh: 120, sources: ['Observation/alp'] }),
  };
}

/**
 * A 64-year-old man, 80 kg, creatinine 1.0 mg/dL, GFR for dosing 85 mL/min, BSA 2.0 m², normal labs: every input
 * fresh, so a dosing rule sees only what a test changes.
 */
export function dosingPicture(overrides: Partial<PatientPicture> = {}): PatientPicture {
  return picture({
    age: fact(64, { sources: ['Patient/p1'] }),
    sex: fact('male' as const, { sources: ['Patient/p1'] }),
    weight: fact(80, { unit: 'kg', sources: ['Observation/weight'] }),
    height: fact(180, { unit: 'cm', sources: ['Observation/height'] }),
    bsa: bsa(2.0),
    renal: {
      creatinine: lab(1.0, 'mg/dL', { referenceHigh: 1.3, sources: ['Observation/creatinine'] }),
      egfr: { missing: true, reason: 'not recorded' },
      crcl: gfr(85),
      gfrForDosing: gfr(85),
    },
    labs: normalLabs(),
    ...overrides,
  });
}
