import type {
  Cancer,
  DerivedFact,
  DraftOrder,
  DrugClass,
  HistologyFinding,
  LabFact,
  Metastasis,
  NenClass,
  NenClassification,
  PatientPicture,
  Therapy,
} from '../../../src/engine/picture.js';
import { picture } from '../builders.js';

/** Builders for the "nec" rule group (start-platinum-etoposide, second-line-options, trials, NET grades). */

const DRUG_CLASSES: Record<string, DrugClass[]> = {
  carboplatin: ['PLATINUM'],
  cisplatin: ['PLATINUM'],
  etoposide: ['ETOPOSIDE'],
  leuprolide: ['ADT'],
  axitinib: ['VEGF-TKI'],
  octreotide: ['SSA'],
  lanreotide: ['SSA'],
  'lutetium-lu-177-dotatate': ['PRRT'],
  everolimus: ['MTOR/TKI-PNET'],
  sunitinib: ['VEGF-TKI', 'MTOR/TKI-PNET'],
  capecitabine: ['COLORECTAL-REGIMEN', 'CAPTEM'],
  temozolomide: ['CAPTEM'],
  oxaliplatin: ['COLORECTAL-REGIMEN'],
  fluorouracil: ['COLORECTAL-REGIMEN'],
  pembrolizumab: ['CPI'],
};

function classesOf(drug: string): DrugClass[] {
  return DRUG_CLASSES[drug] ?? [];
}

export function colonCancer(overrides: Partial<Cancer> = {}): Cancer {
  return { primarySite: 'colon', display: 'Malignant neoplasm of sigmoid colon', date: '2026-09-30', sources: ['Condition/colon'], ...overrides };
}

export function pancreasCancer(overrides: Partial<Cancer> = {}): Cancer {
  return { primarySite: 'pancreas', display: 'Neuroendocrine tumour of pancreas', date: '2026-06-01', sources: ['Condition/pancreas'], ...overrides };
}

export function necHistology(overrides: Partial<HistologyFinding> = {}): HistologyFinding {
  return {
    histologyClass: 'nec-poorly-differentiated',
    differentiation: 'poor',
    display: 'Poorly differentiated neuroendocrine carcinoma of sigmoid colon',
    specimenSite: 'colon',
    mixed: false,
    via: 'code',
    date: '2026-10-02',
    sources: ['DiagnosticReport/colon-bx'],
    ...overrides,
  };
}

export function nen(nenClass: NenClass, overrides: Partial<NenClassification> = {}): NenClassification {
  const basis: Record<NenClass, string> = {
    NEC: 'Poorly differentiated neuroendocrine carcinoma (poorly differentiated neuroendocrine carcinoma)',
    'NET-G1': 'Well differentiated neuroendocrine tumour, Ki-67 2 % → G1',
    'NET-G2': 'Well differentiated neuroendocrine tumour, Ki-67 12 % → G2',
    'NET-G3': 'Well differentiated neuroendocrine tumour, Ki-67 35 % → G3 (well-differentiated high grade: not a carcinoma)',
    'high-grade-NEN-unclear': 'Neuroendocrine neoplasm, differentiation unknown, Ki-67 35 % → high grade: NET G3 or NEC, needs pathology review',
    'NET-G1/G2-presumed': 'Neuroendocrine neoplasm, differentiation unknown, Ki-67 8 % → presumed G1/G2',
    'NEN-ungraded': 'Neuroendocrine neoplasm: differentiation unknown, no Ki-67 or mitotic count recorded',
    'not-neuroendocrine': 'no neuroendocrine histology on record',
  };
  return {
    nenClass,
    gradingSystem: nenClass === 'NEC' || nenClass === 'not-neuroendocrine' ? 'none' : 'who-2019-digestive',
    basis: basis[nenClass],
    mixed: false,
    date: '2026-10-02',
    sources: ['DiagnosticReport/colon-bx'],
    ...overrides,
  };
}

export function liverMet(overrides: Partial<Metastasis> = {}): Metastasis {
  return {
    site: 'liver',
    visceral: true,
    display: 'Secondary malignant neoplasm of liver',
    date: '2026-10-01',
    sources: ['Condition/liver-met'],
    ...overrides,
  };
}

export function boneMet(overrides: Partial<Metastasis> = {}): Metastasis {
  return { site: 'bone', visceral: false, display: 'Secondary malignant neoplasm of bone', date: '2026-10-01', sources: ['Condition/bone-met'], ...overrides };
}

export function known<T>(value: T, date = '2026-11-20', source = 'Observation/x', unit?: string) {
  return { value, date, sources: [source], ...(unit ? { unit } : {}) };
}

export function lab(value: number, unit: string, date = '2026-11-20', source = 'Observation/lab'): LabFact {
  return { value, unit, date, sources: [source] };
}

export function ki67(value: number, date = '2026-10-02'): LabFact {
  return lab(value, '%', date, 'Observation/ki67');
}

export function bsaFact(value = 1.9, date = '2026-11-20'): DerivedFact {
  return {
    value,
    unit: 'm2',
    method: 'mosteller',
    formula: `√(75.0 kg × 175.0 cm / 3600) = ${value.toFixed(2)} m²`,
    date,
    sources: ['Observation/weight', 'Observation/height'],
  };
}

export function gfrFact(value = 80, date = '2026-11-20'): DerivedFact {
  return {
    value,
    unit: 'mL/min',
    method: 'cockcroft-gault',
    formula: `(140 − 60 y) × 75.0 kg / (72 × 1.00 mg/dL) = ${value} mL/min (actual body weight)`,
    date,
    sources: ['Observation/creatinine', 'Observation/weight'],
  };
}

/** Dose inputs, all dated `date` (default 3 days before NOW). */
export function doseInputs(date = '2026-11-20', gfr = 80, bsa = 1.9): Partial<PatientPicture> {
  return {
    weight: { value: 75, unit: 'kg', date, sources: ['Observation/weight'] },
    height: { value: 175, unit: 'cm', date, sources: ['Observation/height'] },
    bsa: bsaFact(bsa, date),
    renal: {
      creatinine: lab(1.0, 'mg/dL', date, 'Observation/creatinine'),
      egfr: { missing: true, reason: 'not recorded' },
      crcl: gfrFact(gfr, date),
      gfrForDosing: gfrFact(gfr, date),
    },
  };
}

export function rx(drug: string, overrides: Partial<Therapy> = {}): Therapy {
  return {
    drug,
    asRecorded: `${drug} (as ordered)`,
    classes: classesOf(drug),
    status: 'past',
    ref: `MedicationRequest/${drug}`,
    kind: 'request',
    date: '2026-05-01',
    lastDate: '2026-07-01',
    sources: [`MedicationRequest/${drug}`],
    ...overrides,
  };
}

export function order(drug: string, overrides: Partial<DraftOrder> = {}): DraftOrder {
  return {
    ref: `MedicationRequest/draft-${drug}`,
    resourceType: 'MedicationRequest',
    drug,
    asRecorded: `${drug} draft`,
    classes: classesOf(drug),
    inScope: true,
    ...overrides,
  };
}

export function procedureOrder(procedure: string, overrides: Partial<DraftOrder> = {}): DraftOrder {
  return {
    ref: `ServiceRequest/draft-${procedure}`,
    resourceType: 'ServiceRequest',
    procedure,
    asRecorded: `${procedure} order`,
    classes: [],
    inScope: true,
    ...overrides,
  };
}

/**
 * Metastatic extrapulmonary NEC (seed 004: sigmoid colon, liver metastases), age 60, ECOG 1, fresh dose inputs,
 * no platinum–etoposide yet.
 */
export function colonNec(overrides: Partial<PatientPicture> = {}): PatientPicture {
  return picture({
    age: known(60, '2026-11-23', 'Patient/p1'),
    sex: known<'male' | 'female' | 'other' | 'unknown'>('male', '2026-11-23', 'Patient/p1'),
    cancers: [colonCancer()],
    histology: [necHistology()],
    ki67: ki67(80),
    nen: nen('NEC'),
    metastases: [liverMet()],
    ecog: known(1, '2026-11-18', 'Observation/ecog'),
    ...doseInputs(),
    ...overrides,
  });
}
