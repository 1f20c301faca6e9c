import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Observation, Resource } from 'fhir/r4.js';
import { services } from '../src/hooks/services.js';
import { projectPath } from '../src/paths.js';

/**
 * Request bodies of the benchmark, built from the seed-000 fixture the way test/integration/golden.int.test.ts builds
 * them: a full prefetch is one searchset Bundle per prefetch key (the Patient as a read), as an EHR that satisfies
 * every template sends it.
 */

const SEED = 'seed-000-nepc-liver';
/** The clinical clock of the fixtures (the demo and the golden tests pin it too): the same cards as the golden files. */
export const CLINICAL_NOW = '2026-11-23T09:00:00Z';

const PATIENT_DATA = services[0]!.prefetch;
export const PREFETCH_KEYS = PATIENT_DATA.map((p) => p.key);

/** The resources of a fixture transaction Bundle. */
export function fixtureResources(patientId = SEED): Resource[] {
  const bundle = JSON.parse(readFileSync(join(projectPath('fixtures', 'patients'), `${patientId}.json`), 'utf8')) as Bundle;
  return (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined);
}

export { fullPrefetch } from '../src/embedded-fhir/full-prefetch.js';

/** The relative query a prefetch key stands for, filled for the seed patient (what the service sends to fhirServer). */
export function queryOf(key: string, patientId = SEED): string {
  const template = PATIENT_DATA.find((p) => p.key === key)?.template;
  if (!template) throw new Error(`no prefetch key ${key}`);
  return template.replace('{{context.patientId}}', patientId);
}

export function patientViewBody(prefetch: Record<string, Resource> | undefined, extra: Record<string, unknown> = {}) {
  return {
    hook: 'patient-view',
    hookInstance: 'c7d1f7a4-bench-0000-0000-000000000001',
    context: { userId: 'Practitioner/bench', patientId: SEED },
    ...(prefetch ? { prefetch } : {}),
    ...extra,
  };
}

/**
 * order-sign with a chemotherapy draft: carboplatin 900 mg IV and etoposide 100 mg/m² IV, so `chemo-dose-check`
 * computes the Calvert range from BSA and Cockcroft–Gault GFR and compares both doses (carboplatin above the range).
 */
export function orderSignChemoBody(prefetch: Record<string, Resource>) {
  const draft = (id: string, rxnorm: string, display: string, value: number, unit: string) => ({
    resource: {
      resourceType: 'MedicationRequest',
      id,
      status: 'draft',
      intent: 'order',
      subject: { reference: `Patient/${SEED}` },
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: rxnorm, display }], text: display },
      dosageInstruction: [
        {
          text: `${value} ${unit} IV day 1`,
          route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008', display: 'Intravenous route' }] },
          doseAndRate: [{ doseQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } }],
        },
      ],
    },
  });
  return {
    hook: 'order-sign',
    hookInstance: 'c7d1f7a4-bench-0000-0000-000000000002',
    context: {
      userId: 'Practitioner/bench',
      patientId: SEED,
      draftOrders: {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [draft('draft-carboplatin', '40048', 'carboplatin', 900, 'mg'), draft('draft-etoposide', '4179', 'etoposide', 100, 'mg/m2')],
      },
    },
    prefetch,
  };
}

/** Labs a real chart is full of: some the service reads (PSA, blood counts, liver and renal panel), some it does not. */
const LABS: { loinc: string; display: string; unit: string; low: number; high: number }[] = [
  { loinc: '2857-1', display: 'Prostate specific Ag [Mass/volume] in Serum or Plasma', unit: 'ng/mL', low: 0.5, high: 30 },
  { loinc: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 0.7, high: 1.3 },
  { loinc: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', unit: 'g/dL', low: 11, high: 16 },
  { loinc: '777-3', display: 'Platelets [#/volume] in Blood by Automated count', unit: '10*3/uL', low: 150, high: 400 },
  { loinc: '751-8', display: 'Neutrophils [#/volume] in Blood by Automated count', unit: '10*3/uL', low: 1.8, high: 7 },
  { loinc: '6690-2', display: 'Leukocytes [#/volume] in Blood by Automated count', unit: '10*3/uL', low: 4, high: 11 },
  { loinc: '1920-8', display: 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 10, high: 40 },
  { loinc: '1742-6', display: 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 7, high: 56 },
  { loinc: '1975-2', display: 'Bilirubin.total [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 0.2, high: 1.2 },
  { loinc: '6768-6', display: 'Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma', unit: 'U/L', low: 40, high: 130 },
  { loinc: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 135, high: 145 },
  { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', unit: 'mmol/L', low: 3.5, high: 5 },
  { loinc: '2345-7', display: 'Glucose [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 70, high: 140 },
  { loinc: '17861-6', display: 'Calcium [Mass/volume] in Serum or Plasma', unit: 'mg/dL', low: 8.5, high: 10.5 },
  { loinc: '8867-4', display: 'Heart rate', unit: '/min', low: 55, high: 95 },
  { loinc: '8310-5', display: 'Body temperature', unit: 'Cel', low: 36.2, high: 37.4 },
];

/**
 * Seed 000 with `observations` Observations in all: its own 8 plus older synthetic labs (dated before any of the seed's
 * own results, 2010–2024), so the newest values, and therefore the clinical picture, stay the seed's.
 */
export function scaledPatient(observations: number): Resource[] {
  const base = fixtureResources();
  const own = base.filter((r) => r.resourceType === 'Observation').length;
  const extra: Observation[] = [];
  const start = Date.parse('2010-01-01T00:00:00Z');
  const end = Date.parse('2024-12-31T00:00:00Z');
  const count = Math.max(0, observations - own);
  for (let i = 0; i < count; i++) {
    const lab = LABS[i % LABS.length]!;
    const when = new Date(start + Math.floor(((end - start) * i) / Math.max(1, count))).toISOString().slice(0, 10);
    const value = Math.round((lab.low + (((i * 7919) % 1000) / 1000) * (lab.high - lab.low)) * 100) / 100;
    extra.push({
      resourceType: 'Observation',
      id: `bench-obs-${i}`,
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'Laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: lab.loinc, display: lab.display }] },
      subject: { reference: `Patient/${SEED}` },
      effectiveDateTime: when,
      valueQuantity: { value, unit: lab.unit, system: 'http://unitsofmeasure.org', code: lab.unit },
      referenceRange: [{ low: { value: lab.low, unit: lab.unit }, high: { value: lab.high, unit: lab.unit } }],
    });
  }
  return [...base, ...extra];
}
