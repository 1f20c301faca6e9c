import {
  DEFAULT_RULE_SETTINGS,
  type Cancer,
  type DraftOrder,
  type HistologyFinding,
  type HookContext,
  type Missing,
  type PatientPicture,
  type RuleSettings,
  type Therapy,
} from '../../src/engine/picture.js';

/** Small, valid defaults; each test overrides only what matters to it. */

export function prostateCancer(overrides: Partial<Cancer> = {}): Cancer {
  return { primarySite: 'prostate', display: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'], ...overrides };
}

export function lungCancer(overrides: Partial<Cancer> = {}): Cancer {
  return { primarySite: 'lung', display: 'Malignant tumor of lung', date: '2025-01-10', sources: ['Condition/lung'], ...overrides };
}

export function smallCell(overrides: Partial<HistologyFinding> = {}): HistologyFinding {
  return {
    histologyClass: 'small-cell',
    differentiation: 'poor',
    display: 'Metastatic small cell carcinoma to liver',
    specimenSite: 'liver',
    mixed: false,
    via: 'code',
    date: '2026-10-14',
    sources: ['DiagnosticReport/bx'],
    ...overrides,
  };
}

export function therapy(drug: string, overrides: Partial<Therapy> = {}): Therapy {
  return {
    drug,
    asRecorded: `${drug} (as ordered)`,
    classes: drug === 'axitinib' ? ['VEGF-TKI'] : drug === 'abiraterone' ? ['ARPI'] : ['ADT'],
    status: 'current',
    ref: `MedicationRequest/${drug}`,
    kind: 'request',
    date: '2026-08-20',
    sources: [`MedicationRequest/${drug}`],
    ...overrides,
  };
}

export function draft(drug: string, overrides: Partial<DraftOrder> = {}): DraftOrder {
  return {
    ref: `MedicationRequest/draft-${drug}`,
    resourceType: 'MedicationRequest',
    drug,
    asRecorded: `${drug} draft`,
    classes: drug === 'axitinib' ? ['VEGF-TKI'] : ['ADT'],
    inScope: true,
    ...overrides,
  };
}

/** "Not recorded": the default for every optional fact, so a test states only the facts it is about. */
export const NONE: Missing = { missing: true, reason: 'not recorded' };

export function picture(overrides: Partial<PatientPicture> = {}): PatientPicture {
  return {
    patientRef: 'Patient/p1',
    age: NONE,
    sex: NONE,
    cancers: [],
    histology: [],
    ki67: NONE,
    mitoticCount: NONE,
    nen: { nenClass: 'not-neuroendocrine', gradingSystem: 'none', basis: 'no neuroendocrine histology', mixed: false, sources: [] },
    metastases: [],
    castrationResistant: NONE,
    psa: [],
    testosterone: NONE,
    renal: { creatinine: NONE, egfr: NONE, crcl: NONE, gfrForDosing: NONE },
    weight: NONE,
    height: NONE,
    bsa: NONE,
    labs: { anc: NONE, platelets: NONE, hemoglobin: NONE, wbc: NONE, ast: NONE, alt: NONE, bilirubin: NONE, alp: NONE },
    markers: { chromograninA: NONE, nse: NONE },
    ecog: NONE,
    neuropathy: NONE,
    diseaseStatus: NONE,
    therapies: [],
    draftOrders: [],
    procedures: [],
    biomarkers: { brafV600E: NONE, msiHighOrDmmr: NONE, tmb: NONE, hrr: NONE },
    unreadable: [],
    ...overrides,
  };
}

/** The seed 000 picture: prostate cancer, small cell in a liver biopsy, leuprolide and axitinib current. */
export function seed000(overrides: Partial<PatientPicture> = {}): PatientPicture {
  return picture({ cancers: [prostateCancer()], histology: [smallCell()], therapies: [therapy('leuprolide'), therapy('axitinib')], ...overrides });
}

export const NOW = new Date('2026-11-23T09:00:00Z');

export function ctx(hook: HookContext['hook'] = 'patient-view', settings: Partial<RuleSettings> = {}): HookContext {
  return { hook, now: NOW, settings: { ...DEFAULT_RULE_SETTINGS, ...settings } };
}
