import type { MedicationRequest } from 'fhir/r4.js';
import type { Cancer, DraftOrder, DrugClass, LabFact, Metastasis, MetastasisSite, ProcedureRecord, Therapy } from '../../../src/engine/picture.js';
import { draft, NOW, therapy } from '../builders.js';

/** Shared builders for the "nepc" rule group (NEPC, radium-223, VEGF-TKI, bone health, PARP inhibitors). */

const DAY = 86_400_000;

/** ISO date `days` whole days before NOW (NOW is 09:00 UTC, so `ageInDays` of the result is exactly `days`). */
export function daysAgo(days: number): string {
  return new Date(NOW.getTime() - days * DAY).toISOString().slice(0, 10);
}

/** Drug classes as the terminology gives them (rules.md §3). */
const CLASSES: Record<string, DrugClass[]> = {
  leuprolide: ['ADT'],
  abiraterone: ['ARPI'],
  enzalutamide: ['ARPI'],
  apalutamide: ['ARPI'],
  darolutamide: ['ARPI'],
  bicalutamide: ['ANTIANDROGEN'],
  axitinib: ['VEGF-TKI'],
  sunitinib: ['VEGF-TKI', 'MTOR/TKI-PNET'],
  cabozantinib: ['VEGF-TKI'],
  pazopanib: ['VEGF-TKI'],
  'radium-223': ['RADIUM'],
  olaparib: ['PARPI'],
  talazoparib: ['PARPI'],
  'zoledronic-acid': ['BONE'],
  denosumab: ['BONE'],
  prednisone: [],
  carboplatin: ['PLATINUM'],
};

function classesOf(drug: string): DrugClass[] {
  const classes = CLASSES[drug];
  if (!classes) throw new Error(`nepc-builders: no classes for ${drug}`);
  return classes;
}

/** A current therapy with its real drug classes. */
export function med(drug: string, overrides: Partial<Therapy> = {}): Therapy {
  return therapy(drug, { classes: classesOf(drug), ...overrides });
}

/** A draft medication order with its real drug classes. */
export function medDraft(drug: string, overrides: Partial<DraftOrder> = {}): DraftOrder {
  return draft(drug, { classes: classesOf(drug), ...overrides });
}

/** A draft ServiceRequest (PSA test, CT, biopsy) in the hook's context. */
export function serviceDraft(procedure: string, overrides: Partial<DraftOrder> = {}): DraftOrder {
  return {
    ref: `ServiceRequest/draft-${procedure}`,
    resourceType: 'ServiceRequest',
    procedure,
    asRecorded: `${procedure} draft`,
    classes: [],
    inScope: true,
    ...overrides,
  };
}

const VISCERAL = new Set<MetastasisSite>(['liver', 'lung', 'pleura', 'brain', 'adrenal', 'peritoneum']);
const SITE_DISPLAY: Record<MetastasisSite, string> = {
  liver: 'Secondary malignant neoplasm of liver',
  lung: 'Secondary malignant neoplasm of lung',
  pleura: 'Secondary malignant neoplasm of pleura',
  bone: 'Secondary malignant neoplasm of bone',
  brain: 'Secondary malignant neoplasm of brain',
  'lymph-node': 'Secondary malignant neoplasm of lymph nodes',
  peritoneum: 'Secondary malignant neoplasm of peritoneum',
  adrenal: 'Secondary malignant neoplasm of adrenal gland',
  other: 'Secondary malignant neoplasm of other site',
};

export function metastasis(site: MetastasisSite, overrides: Partial<Metastasis> = {}): Metastasis {
  return { site, visceral: VISCERAL.has(site), display: SITE_DISPLAY[site], date: '2026-10-01', sources: [`Condition/met-${site}`], ...overrides };
}

export function psa(value: number, date: string, overrides: Partial<LabFact> = {}): LabFact {
  return { value, unit: 'ng/mL', date, sources: [`Observation/psa-${date}`], ...overrides };
}

export function procedure(
  id: string,
  category: ProcedureRecord['category'],
  date: string | undefined,
  overrides: Partial<ProcedureRecord> = {},
): ProcedureRecord {
  return { procedure: id, category, status: 'done', display: id, ...(date ? { date } : {}), sources: [`Procedure/${id}-${date ?? 'undated'}`], ...overrides };
}

export function renalCellCarcinoma(overrides: Partial<Cancer> = {}): Cancer {
  return { primarySite: 'other', display: 'Renal cell carcinoma of left kidney', date: '2024-03-01', sources: ['Condition/rcc'], ...overrides };
}

/** The active MedicationRequest a stop suggestion updates (renderRecommendation needs it to build the update). */
export function activeRequest(drug: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: drug,
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    medicationCodeableConcept: { text: drug },
  };
}
