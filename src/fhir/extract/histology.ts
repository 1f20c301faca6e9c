import type { Attachment, Coding, Condition, DiagnosticReport, Observation } from 'fhir/r4.js';
import type { HistologyClass, HistologyFinding } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import { codingKey, type Concept, type Terminology } from '../terminology.js';
import { conditionDate, displayOf, isRecordedFact } from './conditions.js';
import { codeCodings, effectiveDate, extensionConcepts, valueConcepts, valueStrings, whenPresent } from './elements.js';
import { readEach } from './guard.js';
import { readHistologyText, specimenSiteFromText, type TextFinding } from './text-findings.js';
import { clinicalDate } from './dates.js';

const conditionCodings = codeCodings;
const mcodeHistology = extensionConcepts('http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior');
const reportTextAttachments = whenPresent<Attachment>('presentedForm', "presentedForm.where(contentType.startsWith('text/plain') and data.exists())");

/**
 * rules.md §2: small cell, large cell NEC and NEC NOS are poorly differentiated ("neuroendocrine carcinoma" means
 * poorly differentiated unless the text says well differentiated); a NET is well differentiated.
 */
function differentiationOf(histologyClass: HistologyClass): HistologyFinding['differentiation'] {
  if (histologyClass === 'small-cell' || histologyClass === 'large-cell-nec' || histologyClass === 'nec-poorly-differentiated') return 'poor';
  if (histologyClass === 'net-well-differentiated') return 'well';
  return 'unknown';
}

/** Combined small cell carcinoma (8045/3) is small cell with a non-small-cell component: `mixed` (rules.md §2). */
const COMBINED_SMALL_CELL = codingKey('http://terminology.hl7.org/CodeSystem/icd-o-3', '8045/3');

const FINAL_REPORT = new Set(['final', 'amended', 'corrected', 'appended']);

/** Specimen site implied by a coded concept ("small cell carcinoma of prostate" → prostate). */
function siteOfConcepts(concepts: Concept[]): string | undefined {
  for (const c of concepts) {
    if (c.id === 'small-cell-carcinoma-prostate' || c.primarySite === 'prostate') return 'prostate';
    if (c.id === 'liver-metastasis') return 'liver';
    if (c.primarySite === 'lung') return 'lung';
  }
  return undefined;
}

interface CodedHistology {
  histologyClass: HistologyClass;
  display: string;
  site?: string;
  mixed: boolean;
}

function codedHistology(codings: Coding[], terminology: Terminology): CodedHistology | undefined {
  for (const coding of codings) {
    const concepts = terminology.conceptsForCoding(coding);
    const histology = concepts.find((c) => c.histologyClass);
    if (!histology?.histologyClass) continue;
    return {
      histologyClass: histology.histologyClass,
      display: coding.display ?? histology.label,
      site: siteOfConcepts(concepts),
      mixed: histology.histologyClass === 'minen' || codingKey(coding.system, coding.code) === COMBINED_SMALL_CELL,
    };
  }
  return undefined;
}

function decodeText(attachment: Attachment): string {
  try {
    return Buffer.from(attachment.data ?? '', 'base64').toString('utf8');
  } catch {
    return '';
  }
}

function fromCondition(condition: Condition, terminology: Terminology): HistologyFinding[] {
  if (!isRecordedFact(condition)) return [];
  const out: HistologyFinding[] = [];
  const source = { sources: [`Condition/${condition.id}`], date: conditionDate(condition) };
  const coded = codedHistology(conditionCodings(condition), terminology);
  if (coded)
    out.push({
      ...source,
      histologyClass: coded.histologyClass,
      differentiation: differentiationOf(coded.histologyClass),
      display: displayOf(condition.code),
      specimenSite: coded.site,
      mixed: coded.mixed,
      via: 'code',
    });
  for (const morphology of mcodeHistology(condition)) {
    const m = codedHistology(morphology.coding ?? [], terminology);
    if (!m) continue;
    // The morphology extension describes this Condition's own tumour, so its site is the Condition's.
    const site = siteOfConcepts(conditionCodings(condition).flatMap((c) => terminology.conceptsForCoding(c)));
    out.push({
      ...source,
      histologyClass: m.histologyClass,
      differentiation: differentiationOf(m.histologyClass),
      display: displayOf(morphology),
      specimenSite: site,
      mixed: m.mixed,
      via: 'code',
    });
  }
  return out;
}

/** A finding read from free text (an Observation's string value, a report's conclusion or attached text). */
function textFinding(source: Pick<HistologyFinding, 'sources' | 'date'>, f: TextFinding, site: HistologyFinding['specimenSite']): HistologyFinding {
  return {
    ...source,
    histologyClass: f.histologyClass,
    differentiation: differentiationOf(f.histologyClass),
    display: f.sentence,
    specimenSite: site,
    mixed: f.mixed,
    via: 'text',
  };
}

function fromObservation(obs: Observation, terminology: Terminology): HistologyFinding[] {
  if (!FINAL_REPORT.has(obs.status)) return [];
  const date = clinicalDate(effectiveDate(obs));
  const site = obs.bodySite ? specimenSiteFromText(displayOf(obs.bodySite)) : undefined;
  const concepts = valueConcepts(obs);
  const texts = valueStrings(obs);
  if (concepts.length === 0 && texts.length === 0) return []; // a lab value: no histology to read
  const out: HistologyFinding[] = [];
  const source = { sources: [`Observation/${obs.id}`], date };
  for (const value of concepts) {
    const coded = codedHistology(value.coding ?? [], terminology);
    if (coded)
      out.push({
        ...source,
        histologyClass: coded.histologyClass,
        differentiation: differentiationOf(coded.histologyClass),
        display: displayOf(value),
        specimenSite: site ?? coded.site,
        mixed: coded.mixed,
        via: 'code',
      });
  }
  for (const text of texts) {
    for (const f of readHistologyText(text)) out.push(textFinding(source, f, site));
  }
  return out;
}

function fromReport(report: DiagnosticReport, terminology: Terminology): HistologyFinding[] {
  if (!FINAL_REPORT.has(report.status)) return [];
  const out: HistologyFinding[] = [];
  const source = { sources: [`DiagnosticReport/${report.id}`], date: clinicalDate(effectiveDate(report)) };
  const texts = [report.conclusion, ...reportTextAttachments(report).map(decodeText)].filter((t): t is string => typeof t === 'string' && t !== '');
  // The specimen is named in the report title or at the head of the conclusion ("Liver, core biopsy: …").
  const head = [report.code?.text, ...texts.map((t) => t.split(':')[0]?.slice(0, 120))].filter(Boolean).join(' | ');
  const site = specimenSiteFromText(head);
  const seen = new Set<HistologyClass>();
  for (const cc of report.conclusionCode ?? []) {
    const coded = codedHistology(cc.coding ?? [], terminology);
    if (!coded || seen.has(coded.histologyClass)) continue;
    seen.add(coded.histologyClass);
    out.push({
      ...source,
      histologyClass: coded.histologyClass,
      differentiation: differentiationOf(coded.histologyClass),
      display: displayOf(cc),
      specimenSite: coded.site ?? site,
      mixed: coded.mixed,
      via: 'code',
    });
  }
  for (const text of texts) {
    for (const f of readHistologyText(text)) {
      if (seen.has(f.histologyClass)) continue;
      seen.add(f.histologyClass);
      out.push(textFinding(source, f, site));
    }
  }
  return out;
}

/**
 * Histology findings from Condition codes, the mCODE histology-morphology-behavior extension, pathology
 * Observations, DiagnosticReport.conclusionCode, and conclusion / text presentedForm (negation-aware).
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read
 */
export function extractHistology(set: ResourceSet, terminology: Terminology, unreadable: string[]): HistologyFinding[] {
  return [
    ...readEach(set.ofType<Condition>('Condition'), (c) => fromCondition(c, terminology), unreadable),
    ...readEach(set.ofType<Observation>('Observation'), (o) => fromObservation(o, terminology), unreadable),
    ...readEach(set.ofType<DiagnosticReport>('DiagnosticReport'), (r) => fromReport(r, terminology), unreadable),
  ];
}
