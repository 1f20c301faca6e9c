import type { Cancer, HistologyFinding, LabFact, Maybe, NenClass, NenClassification } from '../picture.js';
import { isKnown } from '../picture.js';
import { NEC_HISTOLOGY } from './nepc.js';

/**
 * rules.md §2, the neuroendocrine class (seed 002, seed 004; WHO 2019). Small cell, large cell NEC and poorly
 * differentiated NEC are NEC whatever the Ki-67; a well-differentiated NET is graded by Ki-67 and mitoses (the
 * higher grade wins) with the WHO 2019 digestive cut-offs, or by mitoses per 2 mm² for the lung; a neuroendocrine
 * neoplasm of unknown differentiation is only *presumed* low grade, or unclear when Ki-67 is high.
 */

export interface NenInput {
  histology: readonly HistologyFinding[];
  cancers: readonly Cancer[];
  ki67: Maybe<number, LabFact>;
  mitoticCount: Maybe<number, LabFact>;
}

type Grade = 1 | 2 | 3;

/** WHO 2019 digestive / unknown primary: Ki-67 < 3 % G1, 3–20 % G2, > 20 % G3. */
export function gradeByKi67(ki67: number): Grade {
  return ki67 < 3 ? 1 : ki67 <= 20 ? 2 : 3;
}

/** WHO 2019 digestive: mitoses < 2 per 2 mm² G1, 2–20 G2, > 20 G3. */
export function gradeByMitoses(mitoses: number): Grade {
  return mitoses < 2 ? 1 : mitoses <= 20 ? 2 : 3;
}

const NET_CLASS: Record<Grade, NenClass> = { 1: 'NET-G1', 2: 'NET-G2', 3: 'NET-G3' };

function sourcesOf(...facts: { sources: string[] }[]): string[] {
  return [...new Set(facts.flatMap((f) => f.sources))];
}

/**
 * WHO 2019 counts mitoses per 2 mm². A count per mm² is doubled; one per 10 high-power fields (the older unit) is
 * taken as per 2 mm², its usual equivalent; a count whose unit is not stated does not grade.
 */
function per2mm2(count: LabFact): LabFact | undefined {
  if (count.unit === 'per 2 mm²') return count;
  if (count.unit === 'per 10 HPF') return count;
  if (count.unit === 'per mm²') return { ...count, value: count.value * 2, unit: 'per 2 mm²' };
  return undefined;
}

/** Lung NENs grade by mitoses per 2 mm² (typical carcinoid < 2, atypical 2–10; > 10 is a carcinoma's count). */
function isLung(finding: HistologyFinding, cancers: readonly Cancer[]): boolean {
  return finding.specimenSite === 'lung' || (finding.specimenSite === undefined && cancers.some((c) => c.primarySite === 'lung'));
}

/** Findings that belong to a Merkel cell carcinoma are not NEC for these rules (its first line is immunotherapy). */
export function isMerkel(finding: HistologyFinding, cancers: readonly Cancer[]): boolean {
  return cancers.some((c) => c.primarySite === 'merkel' && c.sources.some((s) => finding.sources.includes(s)));
}

/**
 * Classifies the neuroendocrine neoplasm (rules.md §2 table).
 * @param input - histology findings, cancers (for the grading system), latest Ki-67 and mitotic count
 */
export function classifyNen(input: NenInput): NenClassification {
  const findings = input.histology.filter((h) => !isMerkel(h, input.cancers));
  const mixed = findings.some((h) => h.mixed || h.histologyClass === 'minen');
  const ki67 = isKnown(input.ki67) ? input.ki67 : undefined;
  const mitoses = isKnown(input.mitoticCount) ? per2mm2(input.mitoticCount) : undefined;

  const nec = findings.find((h) => NEC_HISTOLOGY.has(h.histologyClass));
  if (nec) {
    const atypicalKi67 = ki67 !== undefined && ki67.value <= 20;
    return {
      nenClass: 'NEC',
      gradingSystem: 'none',
      basis: `${nec.display} (${nec.histologyClass === 'large-cell-nec' ? 'large cell neuroendocrine carcinoma' : nec.histologyClass === 'small-cell' ? 'small cell histology' : 'poorly differentiated neuroendocrine carcinoma'})${atypicalKi67 ? `; Ki-67 ${ki67.value} % is atypically low for a carcinoma: pathology review advised` : ''}`,
      ...(atypicalKi67 ? { atypicalKi67 } : {}),
      mixed,
      date: nec.date,
      sources: sourcesOf(nec, ...(atypicalKi67 ? [ki67] : [])),
    };
  }

  const net = findings.find((h) => h.histologyClass === 'net-well-differentiated');
  if (net) {
    if (isLung(net, input.cancers)) {
      if (!mitoses)
        return {
          nenClass: 'NEN-ungraded',
          gradingSystem: 'who-lung',
          basis: `${net.display}: lung neuroendocrine tumours are graded by mitotic count per 2 mm², which is not recorded`,
          mixed,
          date: net.date,
          sources: sourcesOf(net),
        };
      const nenClass: NenClass = mitoses.value < 2 ? 'NET-G1' : mitoses.value <= 10 ? 'NET-G2' : 'high-grade-NEN-unclear';
      const name = mitoses.value < 2 ? 'typical carcinoid' : mitoses.value <= 10 ? 'atypical carcinoid' : 'a carcinoma-range count: pathology review';
      return {
        nenClass,
        gradingSystem: 'who-lung',
        basis: `${net.display}, ${mitoses.value} mitoses per 2 mm² → ${name}`,
        mixed,
        date: mitoses.date,
        sources: sourcesOf(net, mitoses),
      };
    }
    if (!ki67 && !mitoses)
      return {
        nenClass: 'NEN-ungraded',
        gradingSystem: 'who-2019-digestive',
        basis: `${net.display}: no Ki-67 or mitotic count recorded`,
        mixed,
        date: net.date,
        sources: sourcesOf(net),
      };
    const grade = Math.max(ki67 ? gradeByKi67(ki67.value) : 1, mitoses ? gradeByMitoses(mitoses.value) : 1) as Grade;
    const measures = [ki67 ? `Ki-67 ${ki67.value} %` : undefined, mitoses ? `${mitoses.value} mitoses per 2 mm²` : undefined].filter(Boolean).join(', ');
    return {
      nenClass: NET_CLASS[grade],
      gradingSystem: 'who-2019-digestive',
      basis: `${net.display}, ${measures} → G${grade}${grade === 3 ? ' (well-differentiated high grade: not a carcinoma)' : ''}`,
      mixed,
      date: (ki67 ?? mitoses)?.date ?? net.date,
      sources: sourcesOf(net, ...(ki67 ? [ki67] : []), ...(mitoses ? [mitoses] : [])),
    };
  }

  const unspecified = findings.find((h) => h.histologyClass === 'neuroendocrine-unspecified' || h.histologyClass === 'minen');
  if (unspecified) {
    if (!ki67 && !mitoses)
      return {
        nenClass: 'NEN-ungraded',
        gradingSystem: 'who-2019-digestive',
        basis: `${unspecified.display}: differentiation unknown, no Ki-67 or mitotic count recorded`,
        mixed,
        date: unspecified.date,
        sources: sourcesOf(unspecified),
      };
    const high = (ki67 !== undefined && ki67.value > 20) || (mitoses !== undefined && mitoses.value > 20);
    const measures = [ki67 ? `Ki-67 ${ki67.value} %` : undefined, mitoses ? `${mitoses.value} mitoses per 2 mm²` : undefined].filter(Boolean).join(', ');
    return {
      nenClass: high ? 'high-grade-NEN-unclear' : 'NET-G1/G2-presumed',
      gradingSystem: 'who-2019-digestive',
      basis: `${unspecified.display}, differentiation unknown, ${measures}${high ? ' → high grade: NET G3 or NEC, needs pathology review' : ' → presumed G1/G2'}`,
      mixed,
      date: (ki67 ?? mitoses)?.date ?? unspecified.date,
      sources: sourcesOf(unspecified, ...(ki67 ? [ki67] : []), ...(mitoses ? [mitoses] : [])),
    };
  }

  return { nenClass: 'not-neuroendocrine', gradingSystem: 'none', basis: 'no neuroendocrine histology on record', mixed: false, sources: [] };
}
