import type { CodeableConcept, Coding, Observation, ObservationComponent } from 'fhir/r4.js';
import type { BiomarkerResult, Biomarkers, Fact, Maybe } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import type { Terminology } from '../terminology.js';
import { readEach } from './guard.js';
import { clinicalDate } from './dates.js';

/**
 * Biomarkers (rules.md §1): BRAF V600E, MSI-high / mismatch-repair deficiency, tumour mutational burden and
 * alterations of homologous-recombination-repair genes, from Observations — single tests (IHC, PCR, MSI, TMB) and
 * genomics-reporting variant Observations (mCODE / HL7 Genomics Reporting: gene studied 48018-6, amino-acid change
 * 48005-3, clinical significance 53037-8, value Present / Absent). A biomarker with no result on record is `Missing`.
 *
 * Results are combined per biomarker: BRAF and MSI positive > negative > indeterminate (a positive is actionable and
 * these results do not revert); HRR positive > indeterminate > negative (a variant of uncertain significance is not
 * a clean negative). The fact carries the latest date and every Observation that gave the winning result.
 */

const USABLE = new Set(['final', 'amended', 'corrected', 'preliminary']);

/** LOINC components of the genomics-reporting variant profile. */
const GENE_STUDIED = '48018-6';
const CLINICAL_SIGNIFICANCE = '53037-8';
const VARIANT_ASSESSMENT = '69548-6';

/** HGNC ids seen in public genomics examples (mCODE) for the genes read here; displays are used otherwise. */
const HGNC_IDS: Record<string, string> = { '1097': 'BRAF', '1100': 'BRCA1', '1101': 'BRCA2', '26144': 'PALB2' };

/** Homologous recombination repair genes (PROfound / FDA olaparib list, plus RAD51 and the unspecified "BRCA"). */
export const HRR_GENES = new Set([
  'BRCA1', 'BRCA2', 'BRCA', 'ATM', 'BARD1', 'BRIP1', 'CDK12', 'CHEK1', 'CHEK2', 'FANCL', 'PALB2', 'PPP2R2A',
  'RAD51', 'RAD51B', 'RAD51C', 'RAD51D', 'RAD54L',
]);
const MMR_GENES = /\b(?:MLH1|MSH2|MSH6|PMS2|EPCAM)\b/i;

const V600E = /\bV600E\b|\bVal600Glu\b|c\.1799T>A/i;
const OTHER_PROTEIN_CHANGE = /\bp\.\(?[A-Z][a-z]{2}\d+|\b[A-Z]\d{2,4}[A-Z]\b/;

const NEGATIVE_WORDS =
  /\b(?:negative|not\s+(?:detected|present|identified|found)|absent|undetected|wild[-\s]?type|no\s+(?:pathogenic\s+)?(?:mutations?|variants?|alterations?)(?:\s+(?:detected|identified|found))?)\b/i;
const POSITIVE_WORDS = /\b(?:positive|detected|present|mutated|mutant|mutation\s+(?:detected|present|identified)|identified)\b/i;
const INDETERMINATE_WORDS = /\b(?:indeterminate|equivocal|inconclusive|failed|insufficient|no\s+call|uninterpretable|not\s+evaluable)\b/i;

type Finding = { result: BiomarkerResult; date?: string; source: string };

function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== null && v !== undefined);
}

const isObjectValue = (value: unknown): value is object => value !== null && typeof value === 'object';

/** The object items of `cc.coding` (one coding or a list); the list itself when it holds nothing else (read only). */
function codings(cc: CodeableConcept | undefined): Coding[] {
  if (!cc || typeof cc !== 'object') return [];
  const raw: unknown = cc.coding;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return isObjectValue(raw) ? [raw as Coding] : [];
  return raw.every(isObjectValue) ? (raw as Coding[]) : (raw.filter(isObjectValue) as Coding[]);
}

const isText = (t: unknown): t is string => typeof t === 'string' && t.trim() !== '';

/** The text, displays and codes of a concept (every Observation passes here several times: no intermediate lists). */
function conceptTexts(cc: CodeableConcept | undefined): string[] {
  if (!cc || typeof cc !== 'object') return [];
  const texts: string[] = [];
  if (isText(cc.text)) texts.push(cc.text);
  for (const c of codings(cc)) {
    if (isText(c.display)) texts.push(c.display);
    if (isText(c.code)) texts.push(c.code);
  }
  return texts;
}

function hasCode(cc: CodeableConcept | undefined, code: string): boolean {
  return codings(cc).some((c) => c.code === code);
}

/** The concept ids of a code (a short list: a code names one or two concepts). */
type Ids = readonly string[];
const NO_IDS: Ids = [];

function conceptIds(cc: CodeableConcept | undefined, terminology: Terminology): Ids {
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
function resultTexts(obs: Observation): string[] {
  const texts = [...conceptTexts(obs.valueCodeableConcept), ...asArray(obs.interpretation).flatMap((i) => conceptTexts(i))];
  if (typeof obs.valueString === 'string') texts.push(obs.valueString);
  if (typeof obs.valueBoolean === 'boolean') texts.push(obs.valueBoolean ? 'positive' : 'negative');
  for (const note of asArray(obs.note)) if (typeof note.text === 'string') texts.push(note.text);
  return texts;
}

function componentTexts(component: ObservationComponent): string[] {
  const texts = conceptTexts(component.valueCodeableConcept);
  if (typeof component.valueString === 'string') texts.push(component.valueString);
  return texts;
}

/** Positive / negative / indeterminate from the words of a result; undefined when it says none of them. */
function polarity(texts: string[]): BiomarkerResult | undefined {
  const all = texts.join(' | ');
  if (INDETERMINATE_WORDS.test(all)) return 'indeterminate';
  if (NEGATIVE_WORDS.test(all)) return 'negative';
  if (POSITIVE_WORDS.test(all)) return 'positive';
  return undefined;
}

const isDate = (d: unknown): d is string => clinicalDate(d) !== undefined;

function dateOf(obs: Observation): string | undefined {
  if (isDate(obs.effectiveDateTime)) return obs.effectiveDateTime;
  const start = obs.effectivePeriod?.start;
  if (isDate(start)) return start;
  return isDate(obs.issued) ? obs.issued : undefined;
}

function geneSymbol(coding: Coding): string | undefined {
  const id = typeof coding.code === 'string' ? coding.code.replace(/^HGNC:/i, '') : undefined;
  const fromDisplay = typeof coding.display === 'string' ? coding.display.trim().toUpperCase() : undefined;
  if (fromDisplay && /^[A-Z0-9-]{2,12}$/.test(fromDisplay)) return fromDisplay;
  return id ? HGNC_IDS[id] : undefined;
}

interface Variant {
  genes: string[];
  /** true: variant present; false: assessed and absent (a pertinent negative). */
  present?: boolean;
  /** Protein / DNA change texts (components 48005-3, 81252-9, 48004-6 …) and the Observation's own text. */
  changeTexts: string[];
  significance?: 'pathogenic' | 'benign' | 'uncertain';
}

const UNCERTAIN = /\buncertain\b|\bVUS\b|\bunknown significance\b/i;
const BENIGN = /\b(?:likely\s+)?benign\b|\bnot\s+pathogenic\b/i;
const PATHOGENIC = /\b(?:likely\s+)?pathogenic\b|\bdeleterious\b|\bsuspected deleterious\b/i;

function significanceOf(texts: string[]): Variant['significance'] {
  if (texts.length === 0) return undefined;
  const all = texts.join(' | ');
  if (UNCERTAIN.test(all)) return 'uncertain';
  if (BENIGN.test(all)) return 'benign';
  if (PATHOGENIC.test(all)) return 'pathogenic';
  return undefined;
}

/** A genomics-reporting variant Observation, or undefined when the Observation is not one. */
function readVariant(obs: Observation, implied: Map<string, Variant['significance']>): Variant | undefined {
  // A lab result (no components, no extensions) is a variant Observation only by its code.
  if (obs.component == null && obs.extension == null && !hasCode(obs.code, VARIANT_ASSESSMENT)) return undefined;
  const components = asArray(obs.component);
  const geneComponents = components.filter((c) => hasCode(c.code, GENE_STUDIED));
  const geneExtension = asArray(obs.extension).filter((e) => typeof e.url === 'string' && e.url.endsWith('observation-geneticsGene'));
  if (geneComponents.length === 0 && geneExtension.length === 0 && !hasCode(obs.code, VARIANT_ASSESSMENT)) return undefined;
  const genes = [
    ...geneComponents.flatMap((c) => codings(c.valueCodeableConcept)),
    ...geneExtension.flatMap((e) => codings(e.valueCodeableConcept)),
  ]
    .map(geneSymbol)
    .filter((g): g is string => g !== undefined);
  const value = obs.valueCodeableConcept;
  const valueWords = conceptTexts(value).join(' ');
  const present = hasCode(value, 'LA9633-4') || /\bpresent\b/i.test(valueWords) ? true : hasCode(value, 'LA9634-2') || /\babsent\b/i.test(valueWords) ? false : undefined;
  const significanceComponents = components.filter((c) => hasCode(c.code, CLINICAL_SIGNIFICANCE));
  const significance =
    significanceOf(significanceComponents.flatMap(componentTexts)) ?? (typeof obs.id === 'string' ? implied.get(`Observation/${obs.id}`) : undefined);
  const changeTexts = [
    ...components.filter((c) => !hasCode(c.code, GENE_STUDIED) && !hasCode(c.code, CLINICAL_SIGNIFICANCE)).flatMap(componentTexts),
    ...(typeof obs.valueString === 'string' ? [obs.valueString] : []),
    ...asArray(obs.note).map((n) => n.text).filter((t): t is string => typeof t === 'string'),
    ...conceptTexts(obs.code),
  ];
  return { genes: [...new Set(genes)], present, changeTexts, significance };
}

/** Clinical significance stated by diagnostic-implication Observations about the variants they derive from. */
function impliedSignificance(observations: Observation[]): Map<string, Variant['significance']> {
  const map = new Map<string, Variant['significance']>();
  for (const obs of observations) {
    try {
      if (obs.component == null) continue; // no components, no stated significance
      const significance = significanceOf(asArray(obs.component).filter((c) => hasCode(c.code, CLINICAL_SIGNIFICANCE)).flatMap(componentTexts));
      if (!significance) continue;
      for (const ref of asArray(obs.derivedFrom)) {
        const target = typeof ref.reference === 'string' ? /(Observation\/[^/]+)$/.exec(ref.reference)?.[1] : undefined;
        if (target) map.set(target, significance);
      }
    } catch {
      // an unreadable implication is skipped; the Observation itself is reported by the main pass
    }
  }
  return map;
}

function brafFromVariant(variant: Variant): BiomarkerResult | undefined {
  if (!variant.genes.includes('BRAF')) return undefined;
  if (variant.present === false) return 'negative';
  if (variant.present !== true) return undefined;
  if (variant.changeTexts.some((t) => V600E.test(t))) return 'positive';
  return variant.changeTexts.some((t) => OTHER_PROTEIN_CHANGE.test(t)) ? 'negative' : 'indeterminate';
}

function hrrFromVariant(variant: Variant): BiomarkerResult | undefined {
  if (!variant.genes.some((g) => HRR_GENES.has(g))) return undefined;
  if (variant.present === false) return 'negative';
  if (variant.present !== true) return undefined;
  if (variant.significance === 'pathogenic') return 'positive';
  if (variant.significance === 'benign') return 'negative';
  return 'indeterminate';
}

const BRAF = /\bBRAF\b/i;
const MSI_NAME = /\bmicrosatellite\b|\bMSI\b/i;
const MMR_NAME = /\bmismatch[-\s]repair\b|\bMMR\b/i;
const TMB_NAME = /\btumou?r mutation(?:al)? burden\b|\bTMB\b/i;

/** Concept ids that make an Observation one of the single tests read below. */
const TEST_IDS = ['braf-v600e', 'msi', 'brca1', 'brca2', 'hrr-gene-findings', 'tmb'];
/** Every word the tests below recognise a test by (a superset of BRAF, MSI_NAME, MMR_NAME, MMR_GENES, TMB_NAME). */
const TEST_WORDS = /BRAF|microsatellite|MSI|mismatch|MMR|MLH1|MSH2|MSH6|PMS2|EPCAM|tumou?r mutation|TMB/i;

/**
 * False when none of the single tests (BRAF, MSI / MMR, HRR, TMB) can apply: most Observations are labs and vital
 * signs, and then their results need not be read.
 */
function mayBeTest(ids: Ids, cc: CodeableConcept | undefined): boolean {
  for (const id of ids) if (TEST_IDS.includes(id)) return true;
  // The words of `conceptTexts(cc)`, read in place.
  if (!cc || typeof cc !== 'object') return false;
  if (isText(cc.text) && TEST_WORDS.test(cc.text)) return true;
  for (const c of codings(cc)) {
    if (isText(c.display) && TEST_WORDS.test(c.display)) return true;
    if (isText(c.code) && TEST_WORDS.test(c.code)) return true;
  }
  return false;
}

function brafFromTest(obs: Observation, ids: Ids, codeTexts: string[]): BiomarkerResult | undefined {
  const isBraf = ids.includes('braf-v600e') || codeTexts.some((t) => BRAF.test(t));
  if (!isBraf) return undefined;
  const texts = resultTexts(obs);
  const result = polarity(texts);
  if (result !== 'positive') return result;
  // A V600E-specific test (the IHC 85299-6, or a test named for V600E) that is positive is V600E.
  if (hasCode(obs.code, '85299-6') || [...codeTexts, ...texts].some((t) => V600E.test(t))) return 'positive';
  return texts.some((t) => OTHER_PROTEIN_CHANGE.test(t)) ? 'negative' : 'indeterminate';
}

const MSI_HIGH = /\bMSI[-\s]?H(?:igh)?\b|\binstability[-\s]high\b|\bhigh\b|\bunstable\b|\bdMMR\b|\bdeficient\b/i;
const MSI_LOW_OR_STABLE = /\bMSS\b|\bMSI[-\s]?L(?:ow)?\b|\bstable\b|\blow\b|\bpMMR\b|\bproficient\b/i;
const MMR_LOSS = /\bloss\b|\blost\b|\babsent\b|\bdeficien(?:t|cy)\b|\bdMMR\b|\bnegative\b/i;
const MMR_INTACT = /\bintact\b|\bretained\b|\bpreserved\b|\bproficient\b|\bpMMR\b|\bnormal\b|\bpositive\b/i;

function msiFromTest(obs: Observation, ids: Ids, codeTexts: string[]): BiomarkerResult | undefined {
  const codeText = codeTexts.join(' ');
  const isMsi = ids.includes('msi') || MSI_NAME.test(codeText);
  const isMmr = MMR_NAME.test(codeText) || MMR_GENES.test(codeText);
  if (!isMsi && !isMmr) return undefined;
  // The result's words are read only for an MSI / MMR test (most Observations are neither).
  const all = resultTexts(obs).join(' | ');
  if (INDETERMINATE_WORDS.test(all)) return 'indeterminate';
  if (isMsi) {
    if (hasCode(obs.valueCodeableConcept, 'LA26203-2') || MSI_HIGH.test(all)) return 'positive';
    if (MSI_LOW_OR_STABLE.test(all)) return 'negative';
    return undefined;
  }
  // Mismatch-repair protein immunohistochemistry: loss of expression is deficiency (an IHC "negative" stain is loss).
  if (MMR_LOSS.test(all)) return 'positive';
  if (MMR_INTACT.test(all)) return 'negative';
  return undefined;
}

function hrrFromTest(obs: Observation, ids: Ids): BiomarkerResult | undefined {
  if (!ids.includes('brca1') && !ids.includes('brca2') && !ids.includes('hrr-gene-findings')) return undefined;
  const texts = resultTexts(obs);
  const significance = significanceOf(texts);
  if (significance === 'pathogenic') return 'positive';
  if (significance === 'uncertain') return 'indeterminate';
  if (significance === 'benign') return 'negative';
  return polarity(texts);
}

const TMB_UNIT = /mut|\/\s*mb|megabase|\{base\}/i;

function tmbValue(obs: Observation, ids: Ids, codeTexts: string[]): number | undefined {
  const isTmb = ids.includes('tmb') || codeTexts.some((t) => TMB_NAME.test(t));
  if (!isTmb) return undefined;
  const q = obs.valueQuantity;
  if (q && typeof q.value === 'number' && Number.isFinite(q.value)) {
    const unit = [q.code, q.unit].filter((u): u is string => typeof u === 'string').join(' ');
    return unit === '' || TMB_UNIT.test(unit) ? q.value : undefined;
  }
  const m = typeof obs.valueString === 'string' ? /(\d+(?:\.\d+)?)\s*(?:mut(?:ations)?\s*\/\s*mb|muts?\/mb)?/i.exec(obs.valueString) : null;
  return m ? Number(m[1]) : undefined;
}

/** What the reading pass returns for every Observation (its findings go to the lists directly). */
const NOTHING: null[] = [];

const PRIORITY: Record<'standard' | 'hrr', BiomarkerResult[]> = {
  standard: ['positive', 'negative', 'indeterminate'],
  hrr: ['positive', 'indeterminate', 'negative'],
};

function timeOf(date: string | undefined): number {
  return date ? Date.parse(date) || 0 : 0;
}

function combine(findings: Finding[], order: BiomarkerResult[], missing: string): Maybe<BiomarkerResult> {
  for (const result of order) {
    const matching = findings.filter((f) => f.result === result);
    if (matching.length === 0) continue;
    const latest = [...matching].sort((a, b) => timeOf(b.date) - timeOf(a.date))[0]!;
    const fact: Fact<BiomarkerResult> = { value: result, sources: [...new Set(matching.map((f) => f.source))].sort() };
    if (latest.date) fact.date = latest.date;
    return fact;
  }
  return { missing: true, reason: missing };
}

/**
 * Reads BRAF V600E, MSI-high / dMMR, TMB and HRR alterations from the call's Observations.
 * @param set - the call's resources
 * @param terminology - concept index (biomarker LOINC codes)
 * @param unreadable - collects Observations that could not be read
 */
export function extractBiomarkers(set: ResourceSet, terminology: Terminology, unreadable: string[]): Biomarkers {
  const observations = set.ofType<Observation>('Observation').filter((o) => USABLE.has(o.status));
  const implied = impliedSignificance(observations);
  const braf: Finding[] = [];
  const msi: Finding[] = [];
  const hrr: Finding[] = [];
  const tmb: { value: number; date?: string; source: string }[] = [];

  readEach(
    observations,
    (obs): null[] => {
      if (typeof obs.id !== 'string') return NOTHING;
      const ids = conceptIds(obs.code, terminology);
      const variant = readVariant(obs, implied);
      if (!variant && !mayBeTest(ids, obs.code)) return NOTHING;
      // The code's words are read once for the three tests that look at them.
      const codeTexts = variant ? [] : conceptTexts(obs.code);
      const source = `Observation/${obs.id}`;
      const date = dateOf(obs);
      const add = (list: Finding[], result: BiomarkerResult | undefined) => {
        if (result) list.push(date ? { result, date, source } : { result, source });
      };
      if (variant) {
        add(braf, brafFromVariant(variant));
        add(hrr, hrrFromVariant(variant));
        return NOTHING;
      }
      add(braf, brafFromTest(obs, ids, codeTexts));
      add(msi, msiFromTest(obs, ids, codeTexts));
      add(hrr, hrrFromTest(obs, ids));
      const value = tmbValue(obs, ids, codeTexts);
      if (value !== undefined) tmb.push(date ? { value, date, source } : { value, source });
      return NOTHING;
    },
    unreadable,
  );

  const latestTmb = [...tmb].sort((a, b) => timeOf(b.date) - timeOf(a.date))[0];
  const tmbFact: Maybe<number> = latestTmb
    ? { value: latestTmb.value, unit: 'mut/Mb', sources: [latestTmb.source], ...(latestTmb.date ? { date: latestTmb.date } : {}) }
    : { missing: true, reason: 'no tumour mutational burden result on record' };

  return {
    brafV600E: combine(braf, PRIORITY.standard, 'no BRAF V600E result on record'),
    msiHighOrDmmr: combine(msi, PRIORITY.standard, 'no microsatellite-instability or mismatch-repair result on record'),
    tmb: tmbFact,
    hrr: combine(hrr, PRIORITY.hrr, 'no homologous-recombination-repair gene result on record'),
  };
}
