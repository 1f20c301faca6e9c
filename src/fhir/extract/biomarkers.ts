import type { CodeableConcept, Observation } from 'fhir/r4.js';
import type { BiomarkerResult, Biomarkers, Fact, Maybe } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import type { Terminology } from '../terminology.js';
import {
  codings,
  conceptIds,
  conceptTexts,
  hasCode,
  INDETERMINATE_WORDS,
  isText,
  MMR_GENES,
  OTHER_PROTEIN_CHANGE,
  polarity,
  resultTexts,
  V600E,
  type Ids,
} from './biomarker-words.js';
import { brafFromVariant, hrrFromVariant, impliedSignificance, readVariant, significanceOf } from './genomic-variants.js';
import { clinicalDate } from './dates.js';
import { readEach } from './guard.js';

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

type Finding = { result: BiomarkerResult; date?: string; source: string };

const isDate = (d: unknown): d is string => clinicalDate(d) !== undefined;

function dateOf(obs: Observation): string | undefined {
  if (isDate(obs.effectiveDateTime)) return obs.effectiveDateTime;
  const start = obs.effectivePeriod?.start;
  if (isDate(start)) return start;
  return isDate(obs.issued) ? obs.issued : undefined;
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
