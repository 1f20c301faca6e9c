import type { Coding, Observation } from 'fhir/r4.js';
import type { BiomarkerResult } from '../../engine/picture.js';
import { asArray, codings, componentTexts, conceptTexts, hasCode, HRR_GENES, OTHER_PROTEIN_CHANGE, V600E } from './biomarker-words.js';

/**
 * Genomics-reporting variant Observations (mCODE / HL7 Genomics Reporting: gene studied 48018-6, amino-acid change
 * 48005-3, clinical significance 53037-8, value Present / Absent) read as BRAF V600E and HRR findings.
 */

/** LOINC components of the genomics-reporting variant profile. */
const GENE_STUDIED = '48018-6';
const CLINICAL_SIGNIFICANCE = '53037-8';
const VARIANT_ASSESSMENT = '69548-6';

/** HGNC ids seen in public genomics examples (mCODE) for the genes read here; displays are used otherwise. */
const HGNC_IDS: Record<string, string> = { '1097': 'BRAF', '1100': 'BRCA1', '1101': 'BRCA2', '26144': 'PALB2' };

function geneSymbol(coding: Coding): string | undefined {
  const id = typeof coding.code === 'string' ? coding.code.replace(/^HGNC:/i, '') : undefined;
  const fromDisplay = typeof coding.display === 'string' ? coding.display.trim().toUpperCase() : undefined;
  if (fromDisplay && /^[A-Z0-9-]{2,12}$/.test(fromDisplay)) return fromDisplay;
  return id ? HGNC_IDS[id] : undefined;
}

export interface Variant {
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

export function significanceOf(texts: string[]): Variant['significance'] {
  if (texts.length === 0) return undefined;
  const all = texts.join(' | ');
  if (UNCERTAIN.test(all)) return 'uncertain';
  if (BENIGN.test(all)) return 'benign';
  if (PATHOGENIC.test(all)) return 'pathogenic';
  return undefined;
}

/** A genomics-reporting variant Observation, or undefined when the Observation is not one. */
export function readVariant(obs: Observation, implied: Map<string, Variant['significance']>): Variant | undefined {
  // A lab result (no components, no extensions) is a variant Observation only by its code.
  if (obs.component == null && obs.extension == null && !hasCode(obs.code, VARIANT_ASSESSMENT)) return undefined;
  const components = asArray(obs.component);
  const geneComponents = components.filter((c) => hasCode(c.code, GENE_STUDIED));
  const geneExtension = asArray(obs.extension).filter((e) => typeof e.url === 'string' && e.url.endsWith('observation-geneticsGene'));
  if (geneComponents.length === 0 && geneExtension.length === 0 && !hasCode(obs.code, VARIANT_ASSESSMENT)) return undefined;
  const genes = [...geneComponents.flatMap((c) => codings(c.valueCodeableConcept)), ...geneExtension.flatMap((e) => codings(e.valueCodeableConcept))]
    .map(geneSymbol)
    .filter((g): g is string => g !== undefined);
  const value = obs.valueCodeableConcept;
  const valueWords = conceptTexts(value).join(' ');
  const present =
    hasCode(value, 'LA9633-4') || /\bpresent\b/i.test(valueWords) ? true : hasCode(value, 'LA9634-2') || /\babsent\b/i.test(valueWords) ? false : undefined;
  const significanceComponents = components.filter((c) => hasCode(c.code, CLINICAL_SIGNIFICANCE));
  const significance =
    significanceOf(significanceComponents.flatMap(componentTexts)) ?? (typeof obs.id === 'string' ? implied.get(`Observation/${obs.id}`) : undefined);
  const changeTexts = [
    ...components.filter((c) => !hasCode(c.code, GENE_STUDIED) && !hasCode(c.code, CLINICAL_SIGNIFICANCE)).flatMap(componentTexts),
    ...(typeof obs.valueString === 'string' ? [obs.valueString] : []),
    ...asArray(obs.note)
      .map((n) => n.text)
      .filter((t): t is string => typeof t === 'string'),
    ...conceptTexts(obs.code),
  ];
  return { genes: [...new Set(genes)], present, changeTexts, significance };
}

/** Clinical significance stated by diagnostic-implication Observations about the variants they derive from. */
export function impliedSignificance(observations: Observation[]): Map<string, Variant['significance']> {
  const map = new Map<string, Variant['significance']>();
  for (const obs of observations) {
    try {
      if (obs.component == null) continue; // no components, no stated significance
      const significance = significanceOf(
        asArray(obs.component)
          .filter((c) => hasCode(c.code, CLINICAL_SIGNIFICANCE))
          .flatMap(componentTexts),
      );
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

export function brafFromVariant(variant: Variant): BiomarkerResult | undefined {
  if (!variant.genes.includes('BRAF')) return undefined;
  if (variant.present === false) return 'negative';
  if (variant.present !== true) return undefined;
  if (variant.changeTexts.some((t) => V600E.test(t))) return 'positive';
  return variant.changeTexts.some((t) => OTHER_PROTEIN_CHANGE.test(t)) ? 'negative' : 'indeterminate';
}

export function hrrFromVariant(variant: Variant): BiomarkerResult | undefined {
  if (!variant.genes.some((g) => HRR_GENES.has(g))) return undefined;
  if (variant.present === false) return 'negative';
  if (variant.present !== true) return undefined;
  if (variant.significance === 'pathogenic') return 'positive';
  if (variant.significance === 'benign') return 'negative';
  return 'indeterminate';
}
