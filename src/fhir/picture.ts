import type { Bundle } from 'fhir/r4.js';
import type { HookName, PatientPicture } from '../engine/picture.js';
import { extractCancers } from './extract/cancers.js';
import { extractDraftOrders } from './extract/drafts.js';
import { extractHistology } from './extract/histology.js';
import { extractTherapies } from './extract/therapy.js';
import type { ResourceSet } from './resources.js';
import type { Terminology } from './terminology.js';

export interface PictureInput {
  patientId: string;
  hook: HookName;
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
 */
export function buildPicture(input: PictureInput, terminology: Terminology): PatientPicture {
  const { resources } = input;
  const unreadable = [...input.unreadable];
  const picture: PatientPicture = {
    patientRef: `Patient/${input.patientId}`,
    cancers: extractCancers(resources, terminology, unreadable),
    histology: extractHistology(resources, terminology, unreadable),
    therapies: extractTherapies(resources, terminology, unreadable),
    draftOrders: extractDraftOrders(input.draftOrders, input.selections, input.hook, resources, terminology, unreadable),
    unreadable: [...new Set(unreadable)],
  };
  return Object.freeze(picture);
}
