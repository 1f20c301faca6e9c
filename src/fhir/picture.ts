import type { Bundle } from 'fhir/r4.js';
import type { PictureOptions } from '../config.js';
import type { HookName, Missing, PatientPicture } from '../engine/picture.js';
import { extractCancers } from './extract/cancers.js';
import { extractDraftOrders } from './extract/drafts.js';
import { extractHistology } from './extract/histology.js';
import { extractTherapies } from './extract/therapy.js';
import type { ResourceSet } from './resources.js';
import type { Terminology } from './terminology.js';

export interface PictureInput {
  patientId: string;
  hook: HookName;
  /** The time of the hook call: ages, depot windows and staleness are measured from it. */
  now: Date;
  resources: ResourceSet;
  draftOrders?: Bundle;
  selections?: string[];
  /** What could not be read (failed queries, unresolvable references), said on a card. */
  unreadable: string[];
}

const TODO: Missing = { missing: true, reason: 'not extracted yet' };

/**
 * Turns the call's FHIR data into the typed, immutable patient picture the engine reasons over.
 * @param input - resources, hook context and what could not be read
 * @param terminology - concept index
 * @param options - depot grace, weight basis for Cockcroft–Gault
 */
export function buildPicture(input: PictureInput, terminology: Terminology, options: PictureOptions): PatientPicture {
  const { resources } = input;
  const unreadable = [...input.unreadable];
  void options;
  const picture: PatientPicture = {
    patientRef: `Patient/${input.patientId}`,
    age: TODO,
    sex: TODO,
    cancers: extractCancers(resources, terminology, unreadable),
    histology: extractHistology(resources, terminology, unreadable),
    ki67: TODO,
    mitoticCount: TODO,
    nen: { nenClass: 'not-neuroendocrine', gradingSystem: 'none', basis: 'not classified yet', mixed: false, sources: [] },
    metastases: [],
    castrationResistant: TODO,
    psa: [],
    testosterone: TODO,
    renal: { creatinine: TODO, egfr: TODO, crcl: TODO, gfrForDosing: TODO },
    weight: TODO,
    height: TODO,
    bsa: TODO,
    labs: { anc: TODO, platelets: TODO, hemoglobin: TODO, wbc: TODO, ast: TODO, alt: TODO, bilirubin: TODO, alp: TODO },
    markers: { chromograninA: TODO, nse: TODO },
    ecog: TODO,
    neuropathy: TODO,
    diseaseStatus: TODO,
    therapies: extractTherapies(resources, terminology, unreadable),
    draftOrders: extractDraftOrders(input.draftOrders, input.selections, input.hook, resources, terminology, unreadable),
    procedures: [],
    biomarkers: { brafV600E: TODO, msiHighOrDmmr: TODO, tmb: TODO, hrr: TODO },
    unreadable: [],
  };
  picture.unreadable = [...new Set(unreadable)];
  return Object.freeze(picture);
}
