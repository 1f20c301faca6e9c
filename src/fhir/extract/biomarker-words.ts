import type { CodeableConcept, Coding, Observation, ObservationComponent } from 'fhir/r4.js';
import type { BiomarkerResult } from '../../engine/picture.js';
import type { Terminology } from '../terminology.js';

/** The words and codes biomarker results are read from, shared by the single tests and the genomics variants. */

/** Homologous recombination repair genes (PROfound / FDA olaparib list, plus RAD51 and the unspecified "BRCA"). */
export const HRR_GENES = new Set([
  'BRCA1',
  'BRCA2',
  'BRCA',
  'ATM',
  'BARD1',
  'BRIP1',
  'CDK12',
  'CHEK1',
  'CHEK2',
  'FANCL',
  'PALB2',
  'PPP2R2A',
  'RAD51',
  'RAD51B',
  'RAD51C',
  'RAD51D',
  'RAD54L',
]);
export const MMR_GENES = /\b(?:MLH1|MSH2|MSH6|PMS2|EPCAM)\b/i;

export const V600E = /\bV600E\b|\bVal600Glu\b|c\.1799T>A/i;
export const OTHER_PROTEIN_CHANGE = /\bp\.\(?[A-Z][a-z]{2}\d+|\b[A-Z]\d{2,4}[A-Z]\b/;

const NEGATIVE_WORDS =
  /\b(?:negative|not\s+(?:detected|present|identified|found)|absent|undetected|wild[-\s]?type|no\s+(?:pathogenic\s+)?(?:mutations?|variants?|alterations?)(?:\s+(?:detected|identified|found))?)\b/i;
const POSITIVE_WORDS = /\b(?:positive|detected|present|mutated|mutant|mutation\s+(?:detected|present|identified)|identified)\b/i;
export const INDETERMINATE_WORDS = /\b(?:indeterminate|equivocal|inconclusive|failed|insufficient|no\s+call|uninterpretable|not\s+evaluable)\b/i;

export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
}

const isObjectValue = (value: unknown): value is object => value !== null && typeof value === 'object';

/** The object items of `cc.coding` (one coding or a list); the list itself when it holds nothing else (read only). */
export function codings(cc: CodeableConcept | undefined): Coding[] {
  if (!cc || typeof cc !== 'object') return [];
  const raw: unknown = cc.coding;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return isObjectValue(raw) ? [raw] : [];
  return raw.every(isObjectValue) ? raw : raw.filter(isObjectValue);
}

export const isText = (t: unknown): t is string => typeof t === 'string' && t.trim() !== '';

/** The text, displays and codes of a concept (every Observation passes here several times: no intermediate lists). */
export function conceptTexts(cc: CodeableConcept | undefined): string[] {
  if (!cc || typeof cc !== 'object') return [];
  const texts: string[] = [];
  if (isText(cc.text)) texts.push(cc.text);
  for (const c of codings(cc)) {
    if (isText(c.display)) texts.push(c.display);
    if (isText(c.code)) texts.push(c.code);
  }
  return texts;
}

export function hasCode(cc: CodeableConcept | undefined, code: string): boolean {
  return codings(cc).some((c) => c.code === code);
}

/** The concept ids of a code (a short list: a code names one or two concepts). */
export type Ids = readonly string[];
const NO_IDS: Ids = [];

export function conceptIds(cc: CodeableConcept | undefined, terminology: Terminology): Ids {
  let ids: string[] | undefined;
  const list = codings(cc);
  for (let i = 0; i < list.length; i++) {
    const concepts = terminology.conceptsForCoding(list[i]!);
    for (let j = 0; j < concepts.length; j++) {
      const concept = concepts[j]!;
      if (!ids) ids = [concept.id];
      else if (!ids.includes(concept.id)) ids.push(concept.id);
    }
  }
  return ids ?? NO_IDS;
}

/** The words of an Observation's result: value, interpretation, notes. */
export function resultTexts(obs: Observation): string[] {
  const texts = [...conceptTexts(obs.valueCodeableConcept), ...asArray(obs.interpretation).flatMap((i) => conceptTexts(i))];
  if (typeof obs.valueString === 'string') texts.push(obs.valueString);
  if (typeof obs.valueBoolean === 'boolean') texts.push(obs.valueBoolean ? 'positive' : 'negative');
  for (const note of asArray(obs.note)) if (typeof note.text === 'string') texts.push(note.text);
  return texts;
}

export function componentTexts(component: ObservationComponent): string[] {
  const texts = conceptTexts(component.valueCodeableConcept);
  if (typeof component.valueString === 'string') texts.push(component.valueString);
  return texts;
}

/** Positive / negative / indeterminate from the words of a result; undefined when it says none of them. */
export function polarity(texts: string[]): BiomarkerResult | undefined {
  const all = texts.join(' | ');
  if (INDETERMINATE_WORDS.test(all)) return 'indeterminate';
  if (NEGATIVE_WORDS.test(all)) return 'negative';
  if (POSITIVE_WORDS.test(all)) return 'positive';
  return undefined;
}
