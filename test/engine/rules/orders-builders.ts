import type { MedicationRequest } from 'fhir/r4.js';
import { classifyNen } from '../../../src/engine/classify/nen.js';
import type {
  Cancer,
  DraftOrder,
  DrugClass,
  HistologyFinding,
  LabFact,
  Metastasis,
  MetastasisSite,
  PatientPicture,
  Therapy,
} from '../../../src/engine/picture.js';
import { draft, picture, therapy } from '../builders.js';

/**
 * Builders for the "orders" group of rules (avoid-ssa-high-grade, avoid-liver-directed-high-grade,
 * avoid-colorectal-regimen-first-line, platinum-in-low-grade-net, avoid-upfront-surgery-extensive-nec).
 * The neuroendocrine class is computed by the real classifier (rules.md §2), so the class boundaries are tested
 * end to end from Ki-67 and mitoses.
 */

function sigmoidCancer(overrides: Partial<Cancer> = {}): Cancer {
  return { primarySite: 'colon', display: 'Malignant neoplasm of sigmoid colon', date: '2026-09-20', sources: ['Condition/sigmoid'], ...overrides };
}

export function necHistology(overrides: Partial<HistologyFinding> = {}): HistologyFinding {
  return {
    histologyClass: 'nec-poorly-differentiated',
    differentiation: 'poor',
    display: 'Poorly differentiated neuroendocrine carcinoma of sigmoid colon',
    specimenSite: 'colon',
    mixed: false,
    via: 'code',
    date: '2026-09-25',
    sources: ['DiagnosticReport/path'],
    ...overrides,
  };
}

function netHistology(overrides: Partial<HistologyFinding> = {}): HistologyFinding {
  return {
    histologyClass: 'net-well-differentiated',
    differentiation: 'well',
    display: 'Well-differentiated neuroendocrine tumour',
    specimenSite: 'small-intestine',
    mixed: false,
    via: 'code',
    date: '2026-09-25',
    sources: ['DiagnosticReport/path'],
    ...overrides,
  };
}

export function ki67(value: number, overrides: Partial<LabFact> = {}): LabFact {
  return { value, unit: '%', date: '2026-09-25', sources: ['Observation/ki67'], ...overrides };
}

export function mitoses(value: number, overrides: Partial<LabFact> = {}): LabFact {
  return { value, unit: 'per 2 mm²', date: '2026-09-25', sources: ['Observation/mitoses'], ...overrides };
}

const VISCERAL = new Set<MetastasisSite>(['liver', 'lung', 'pleura', 'brain', 'adrenal', 'peritoneum']);

export function metastasis(site: MetastasisSite, overrides: Partial<Metastasis> = {}): Metastasis {
  return {
    site,
    visceral: VISCERAL.has(site),
    display: `Secondary malignant neoplasm (${site})`,
    date: '2026-09-20',
    sources: [`Condition/met-${site}`],
    ...overrides,
  };
}

/** A picture whose `nen` is the real classification of its histology, Ki-67 and mitoses (unless given). */
export function classified(overrides: Partial<PatientPicture> = {}): PatientPicture {
  const p = picture(overrides);
  return { ...p, nen: overrides.nen ?? classifyNen(p) };
}

/** Seed 004: poorly differentiated NEC of the sigmoid colon, Ki-67 80 %, liver metastases. */
export function necPicture(overrides: Partial<PatientPicture> = {}): PatientPicture {
  return classified({ cancers: [sigmoidCancer()], histology: [necHistology()], ki67: ki67(80), metastases: [metastasis('liver')], ...overrides });
}

/** A well-differentiated small-intestinal NET graded by Ki-67 (WHO 2019 digestive). */
export function netPicture(ki: number, overrides: Partial<PatientPicture> = {}): PatientPicture {
  return classified({
    cancers: [{ primarySite: 'other', display: 'Neuroendocrine tumour of ileum', date: '2026-09-20', sources: ['Condition/ileum'] }],
    histology: [netHistology()],
    ki67: ki67(ki),
    ...overrides,
  });
}

/** A lung NET graded by mitoses per 2 mm² (typical / atypical carcinoid). */
export function lungNetPicture(mitosisCount: number, overrides: Partial<PatientPicture> = {}): PatientPicture {
  return classified({
    cancers: [{ primarySite: 'lung', display: 'Carcinoid tumour of lung', date: '2026-09-20', sources: ['Condition/lung-net'] }],
    histology: [netHistology({ display: 'Carcinoid tumour of lung', specimenSite: 'lung' })],
    mitoticCount: mitoses(mitosisCount),
    ...overrides,
  });
}

const CLASSES: Record<string, DrugClass[]> = {
  carboplatin: ['PLATINUM'],
  cisplatin: ['PLATINUM'],
  etoposide: ['ETOPOSIDE'],
  octreotide: ['SSA'],
  lanreotide: ['SSA'],
  pasireotide: ['SSA'],
  oxaliplatin: ['COLORECTAL-REGIMEN'],
  irinotecan: ['COLORECTAL-REGIMEN'],
  fluorouracil: ['COLORECTAL-REGIMEN'],
  capecitabine: ['COLORECTAL-REGIMEN'],
  leucovorin: [],
};

/** A therapy with the classes the extraction would give it. */
export function med(drug: string, overrides: Partial<Therapy> = {}): Therapy {
  return therapy(drug, { classes: CLASSES[drug] ?? [], ...overrides });
}

/** A medication draft with the classes the extraction would give it. */
export function medDraft(drug: string, overrides: Partial<DraftOrder> = {}): DraftOrder {
  return draft(drug, { classes: CLASSES[drug] ?? [], ...overrides });
}

/** A ServiceRequest draft (procedure concept id from clinical/terminology.json, or undefined: text only). */
export function serviceDraft(procedure: string | undefined, asRecorded: string, overrides: Partial<DraftOrder> = {}): DraftOrder {
  return {
    ref: `ServiceRequest/draft-${procedure ?? asRecorded.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    resourceType: 'ServiceRequest',
    ...(procedure ? { procedure } : {}),
    asRecorded,
    classes: [],
    inScope: true,
    ...overrides,
  };
}

/** Past carboplatin + etoposide course, both given up to `date`. */
export function pastPlatinumEtoposide(date = '2026-10-20'): Therapy[] {
  return [
    med('carboplatin', {
      status: 'past',
      date: '2026-10-01',
      lastDate: date,
      ref: 'MedicationRequest/carboplatin-c1',
      sources: ['MedicationRequest/carboplatin-c1'],
    }),
    med('etoposide', {
      status: 'past',
      date: '2026-10-01',
      lastDate: date,
      ref: 'MedicationRequest/etoposide-c1',
      sources: ['MedicationRequest/etoposide-c1'],
    }),
  ];
}

/** An active MedicationRequest a stop suggestion can update (valid R4). */
export function activeRequest(id: string, text: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    medicationCodeableConcept: { text },
  };
}
