import type { Bundle } from 'fhir/r4.js';
import type { PictureOptions } from '../config.js';
import { classifyCastration } from '../engine/classify/castration.js';
import { classifyNen } from '../engine/classify/nen.js';
import { isKnown, type HookName, type PatientPicture } from '../engine/picture.js';
import { extractBiomarkers } from './extract/biomarkers.js';
import { deriveBodyAndRenal } from './extract/body-and-renal.js';
import { extractCancers } from './extract/cancers.js';
import { extractDraftOrders } from './extract/drafts.js';
import { extractHistology } from './extract/histology.js';
import { ki67FromReports, newestKi67 } from './extract/ki67-text.js';
import { extractMetastases } from './extract/metastases.js';
import { extractObservationFacts } from './extract/observations.js';
import { extractDemographics } from './extract/patient.js';
import { extractProcedures } from './extract/procedures.js';
import { extractCodedCastrationStatus, extractNeuropathy, extractOrchiectomy } from './extract/status-conditions.js';
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

/**
 * Turns the call's FHIR data into the typed, immutable patient picture the engine reasons over.
 * @param input - resources, hook context and what could not be read
 * @param terminology - concept index
 * @param options - depot grace, weight basis for Cockcroft–Gault
 */
export function buildPicture(input: PictureInput, terminology: Terminology, options: PictureOptions): PatientPicture {
  const { resources, now } = input;
  const unreadable = [...input.unreadable];
  const { age, sex } = extractDemographics(resources, input.patientId, now);
  const cancers = extractCancers(resources, terminology, unreadable);
  const histology = extractHistology(resources, terminology, unreadable);
  const observations = extractObservationFacts(resources, terminology, unreadable);
  const ki67 = newestKi67(observations.ki67, ki67FromReports(resources, unreadable));
  const therapies = extractTherapies(resources, terminology, unreadable, { now, depotGraceDays: options.depotGraceDays });
  const { bsa, renal } = deriveBodyAndRenal(
    { age, sex, weight: observations.weight, height: observations.height, creatinine: observations.creatinine, egfr: observations.egfr },
    options,
  );
  const progressing = observations.diseaseStatus;
  const castrationResistant = classifyCastration({
    codedStatus: extractCodedCastrationStatus(resources, terminology, unreadable),
    psa: observations.psa,
    testosterone: observations.testosterone,
    adt: therapies.filter((t) => t.classes.includes('ADT')),
    orchiectomy: extractOrchiectomy(resources, unreadable),
    progression: isKnown(progressing) && progressing.value === 'progressing' ? progressing : undefined,
  });

  const picture: PatientPicture = {
    patientRef: `Patient/${input.patientId}`,
    age,
    sex,
    cancers,
    histology,
    ki67,
    mitoticCount: observations.mitoticCount,
    nen: classifyNen({ histology, cancers, ki67, mitoticCount: observations.mitoticCount }),
    metastases: extractMetastases(resources, terminology, unreadable),
    castrationResistant,
    psa: observations.psa,
    testosterone: observations.testosterone,
    renal,
    weight: observations.weight,
    height: observations.height,
    bsa,
    labs: observations.labs,
    markers: observations.markers,
    ecog: observations.ecog,
    neuropathy: extractNeuropathy(resources, terminology, unreadable),
    diseaseStatus: observations.diseaseStatus,
    therapies,
    draftOrders: extractDraftOrders(input.draftOrders, input.selections, input.hook, resources, terminology, unreadable),
    procedures: extractProcedures(resources, terminology, unreadable),
    biomarkers: extractBiomarkers(resources, terminology, unreadable),
    unreadable: [],
  };
  picture.unreadable = [...new Set(unreadable)];
  return Object.freeze(picture);
}
