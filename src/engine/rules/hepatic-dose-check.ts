import { bsaDose } from '../calc/dose.js';
import { joinNames } from '../format.js';
import { type DraftOrder, isKnown, type LabFact, type Maybe, type PatientPicture } from '../picture.js';
import type { CitedFact, ProposedAction, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';
import { describeDated, isStale } from '../staleness.js';

/**
 * rules.md §4 `hepatic-dose-check` (docetaxel and cabazitaxel labelling): docetaxel or cabazitaxel drafted in scope
 * (order-select, order-sign).
 * - Docetaxel (boxed warning): critical when total bilirubin > ULN, or AST and/or ALT > 1.5 × ULN together with
 *   alkaline phosphatase > 2.5 × ULN.
 * - Cabazitaxel (Jevtana US prescribing information, dosage in hepatic impairment — not in the seeds): severe impairment,
 *   total bilirubin > 3 × ULN → contraindicated (critical); moderate, bilirubin > 1.5 to ≤ 3 × ULN → 15 mg/m²; mild,
 *   bilirubin > 1 to ≤ 1.5 × ULN or AST > 1.5 × ULN → 20 mg/m² (warning, with the dose set on the draft).
 * - Warning when a liver test the criteria need is missing or older than `inputMaxAgeDays`, proposing a liver panel,
 *   or when the lab gave no upper limit of normal (ULN): rules.md gives no default ULN, so no band is decided on it.
 * Three-valued logic: a criterion is only "not met" when the tests show it; an undecidable one is said on the card.
 */

type Tri = boolean | undefined;

interface LabRead {
  name: string;
  fact?: LabFact;
  /** value / ULN, when the value is current and the ULN reported. */
  ratio?: number;
  /** Missing or older than the window: a new test is needed. */
  needsTest?: string;
  /** Current, but no ULN reported: cannot be graded. */
  noUln?: string;
}

const num = (n: number, digits = 1) => String(Number(n.toFixed(digits)));

function readLab(name: string, lab: Maybe<number, LabFact>, now: Date, maxDays: number): LabRead {
  if (!isKnown(lab)) return { name, needsTest: `${name}: ${lab.reason}` };
  const shown = `${lab.comparator ?? ''}${lab.value} ${lab.unit}`;
  if (isStale(lab, now, maxDays)) return { name, fact: lab, needsTest: `${name} ${describeDated(shown, lab, now, maxDays)}` };
  if (lab.referenceHigh === undefined || !(lab.referenceHigh > 0)) {
    return {
      name,
      fact: lab,
      noUln: `${name} ${describeDated(shown, lab, now, maxDays)}: the lab did not report an upper limit of normal, so it cannot be graded`,
    };
  }
  return { name, fact: lab, ratio: lab.value / lab.referenceHigh };
}

/** Above k × ULN: true, false, or undefined when the test cannot say. */
const above = (lab: LabRead, k: number): Tri => (lab.ratio === undefined ? undefined : Math.round(lab.ratio * 1e9) / 1e9 > k);
// (rounded so that exactly 1.5 × ULN — 1.8 / 1.2 is 1.5000000000000002 in binary — is not "above 1.5 ×")
const or3 = (a: Tri, b: Tri): Tri => (a === true || b === true ? true : a === false && b === false ? false : undefined);
const and3 = (a: Tri, b: Tri): Tri => (a === false || b === false ? false : a === true && b === true ? true : undefined);

/** "bilirubin 2.0 mg/dL (1.7 × the upper limit of normal 1.2)". */
function graded(lab: LabRead): string {
  const f = lab.fact as LabFact;
  return `${lab.name} ${f.value} ${f.unit} (${num(lab.ratio ?? 0)} × the upper limit of normal ${f.referenceHigh})`;
}

type Level = 'avoid' | 'reduce' | 'unchecked';
const RANK: Record<Level, number> = { avoid: 0, reduce: 1, unchecked: 2 };

interface Finding {
  draft: DraftOrder;
  drug: 'docetaxel' | 'cabazitaxel';
  level: Level;
  headline: string;
  text: string;
  /** Labs behind the finding, cited on the card. */
  labs: LabRead[];
  /** Labs that could not decide a criterion. */
  gaps: LabRead[];
  target?: 15 | 20;
}

function undecided(labs: LabRead[]): LabRead[] {
  return labs.filter((l) => l.ratio === undefined);
}

/** "no bilirubin and AST from the last 7 days; no upper limit of normal reported for ALT". */
function gapHeadline(gaps: LabRead[], maxDays: number): string {
  const need = gaps.filter((g) => g.needsTest !== undefined).map((g) => g.name);
  const noUln = gaps.filter((g) => g.needsTest === undefined).map((g) => g.name);
  return [
    need.length > 0 ? `no ${joinNames(need)} from the last ${maxDays} days` : '',
    noUln.length > 0 ? `no upper limit of normal reported for ${joinNames(noUln)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function gapText(gaps: LabRead[]): string {
  return gaps.map((g) => g.needsTest ?? g.noUln ?? g.name).join('; ');
}

function docetaxel(d: DraftOrder, bili: LabRead, ast: LabRead, alt: LabRead, alp: LabRead, maxDays: number): Finding | undefined {
  const biliHigh = above(bili, 1);
  const astHigh = above(ast, 1.5);
  const altHigh = above(alt, 1.5);
  const combo = and3(or3(astHigh, altHigh), above(alp, 2.5));
  const base = { draft: d, drug: 'docetaxel' as const };
  if (biliHigh === true) {
    return {
      ...base,
      level: 'avoid',
      headline: `bilirubin ${(bili.fact as LabFact).value} ${(bili.fact as LabFact).unit} is above the upper limit of normal`,
      text: `docetaxel: ${graded(bili)} — above the upper limit of normal`,
      labs: [bili],
      gaps: [],
    };
  }
  if (combo === true) {
    const trans = [ast, alt].filter((l) => above(l, 1.5) === true);
    const names = joinNames(trans.map((l) => l.name));
    return {
      ...base,
      level: 'avoid',
      headline: `${names} above 1.5 × and alkaline phosphatase above 2.5 × the upper limit of normal`,
      text: `docetaxel: ${trans.map(graded).join(', ')} with ${graded(alp)} — transaminases above 1.5 × with alkaline phosphatase above 2.5 × the upper limit of normal`,
      labs: [...trans, alp],
      gaps: [],
    };
  }
  if (biliHigh === undefined || combo === undefined) {
    const gaps = undecided(biliHigh === undefined ? [bili, ...(combo === undefined ? [ast, alt, alp] : [])] : [ast, alt, alp]);
    return {
      ...base,
      level: 'unchecked',
      headline: gapHeadline(gaps, maxDays),
      text: `docetaxel: not checked against the boxed warning — ${gapText(gaps)}`,
      labs: [],
      gaps,
    };
  }
  return undefined;
}

function cabazitaxel(
  d: DraftOrder,
  bili: LabRead,
  ast: LabRead,
  picture: PatientPicture,
  now: Date,
  maxDays: number,
): { finding?: Finding; action?: ProposedAction; doseNote?: string } {
  const severe = above(bili, 3);
  const moderate = above(bili, 1.5);
  const mild = or3(above(bili, 1), above(ast, 1.5));
  const base = { draft: d, drug: 'cabazitaxel' as const };
  if (severe === true) {
    return {
      finding: {
        ...base,
        level: 'avoid',
        headline: 'bilirubin is more than 3 × the upper limit of normal (severe hepatic impairment)',
        text: `cabazitaxel: ${graded(bili)} — severe hepatic impairment, cabazitaxel is contraindicated`,
        labs: [bili],
        gaps: [],
      },
    };
  }
  const target = moderate === true ? 15 : mild === true ? 20 : undefined;
  if (target === undefined) {
    if (severe === undefined || mild === undefined) {
      const gaps = undecided([bili, ...(mild === undefined ? [ast] : [])]);
      return {
        finding: {
          ...base,
          level: 'unchecked',
          headline: gapHeadline(gaps, maxDays),
          text: `cabazitaxel: hepatic impairment not graded — ${gapText(gaps)}`,
          labs: [],
          gaps,
        },
      };
    }
    return {};
  }
  const grade = target === 15 ? 'moderate' : 'mild';
  const why = target === 15 || above(bili, 1) === true ? [bili] : [ast];
  // Mild from AST alone while bilirubin is unknown: the grade could be higher, said as a gap.
  const gaps = severe === undefined ? undecided([bili]) : [];
  const headline = `${grade} hepatic impairment (${why.map((l) => `${l.name} ${num(l.ratio ?? 0)} × the upper limit of normal`).join(', ')})`;
  const text = `cabazitaxel: ${why.map(graded).join(', ')} — ${grade} hepatic impairment: ${target} mg/m²${gaps.length > 0 ? ` at most (${gapText(gaps)}: the impairment may be worse)` : ''}`;

  // Is the ordered dose already at or below the target?
  const dose = d.dose;
  const perM2 = dose && /^mg\/m(2|²|\^2)$/i.test(dose.unit.replace(/\s+/g, ''));
  const mg = dose && /^mg$/i.test(dose.unit.trim());
  const { bsa } = picture;
  const bsaUsable = isKnown(bsa) && !isStale(bsa, now, maxDays);
  if (dose && perM2 && dose.value <= target) return {};
  if (dose && mg && bsaUsable && dose.value <= bsaDose(target, bsa.value).mg) return {};

  const finding: Finding = { ...base, level: 'reduce', headline, text, labs: why, gaps, target };
  if (dose && mg) {
    if (!bsaUsable) {
      const bsaText = isKnown(bsa)
        ? `body surface area ${describeDated(`${bsa.value.toFixed(2)} m²`, bsa, now, maxDays)}`
        : `no body surface area (${bsa.reason})`;
      return { finding, doseNote: `No cabazitaxel dose in mg is proposed: ${bsaText}.` };
    }
    const fixed = bsaDose(target, bsa.value);
    return {
      finding,
      action: {
        kind: 'set-draft-dose',
        ref: d.ref,
        dose: { value: fixed.mg, unit: 'mg' },
        reason: `${grade} hepatic impairment: cabazitaxel ${target} mg/m² (${fixed.formula}, ${fixed.rounding})`,
      },
      doseNote: `The suggestion sets cabazitaxel to ${fixed.mg} mg (${fixed.formula}, ${fixed.rounding}).`,
    };
  }
  if (dose && !perM2) return { finding, doseNote: `No cabazitaxel dose is proposed: the draft's dose unit "${dose.unit}" is neither mg nor mg/m².` };
  return {
    finding,
    action: { kind: 'set-draft-dose', ref: d.ref, dose: { value: target, unit: 'mg/m2' }, reason: `${grade} hepatic impairment: cabazitaxel ${target} mg/m²` },
    doseNote: `The suggestion sets cabazitaxel to ${target} mg/m².`,
  };
}

export const hepaticDoseCheck: Rule = {
  id: 'hepatic-dose-check',
  hooks: ['order-select', 'order-sign'],
  priority: 85,
  placeholders: ['drug', 'headline', 'target', 'findings', 'labNote', 'doseNote'],
  evaluate(picture, ctx) {
    const drafts = picture.draftOrders.filter((d) => d.inScope && (d.drug === 'docetaxel' || d.drug === 'cabazitaxel'));
    if (drafts.length === 0) return null;

    const maxDays = ctx.settings.inputMaxAgeDays;
    const bili = readLab('bilirubin', picture.labs.bilirubin, ctx.now, maxDays);
    const ast = readLab('AST', picture.labs.ast, ctx.now, maxDays);
    const alt = readLab('ALT', picture.labs.alt, ctx.now, maxDays);
    const alp = readLab('alkaline phosphatase', picture.labs.alp, ctx.now, maxDays);

    const findings: Finding[] = [];
    const actions: ProposedAction[] = [];
    const doseNotes: string[] = [];
    for (const d of drafts) {
      if (d.drug === 'docetaxel') {
        const f = docetaxel(d, bili, ast, alt, alp, maxDays);
        if (f) findings.push(f);
      } else {
        const { finding, action, doseNote } = cabazitaxel(d, bili, ast, picture, ctx.now, maxDays);
        if (finding) findings.push(finding);
        if (action) actions.push(action);
        if (doseNote) doseNotes.push(doseNote);
      }
    }
    if (findings.length === 0) return null;

    const worst = findings.reduce((a, b) => (RANK[b.level] < RANK[a.level] ? b : a));
    const gaps = [...new Set(findings.flatMap((f) => f.gaps))];
    const needTests = gaps.filter((g) => g.needsTest !== undefined);

    const facts: CitedFact[] = drafts
      .filter((d) => findings.some((f) => f.draft === d))
      .map((d) => ({ label: `${d.drug} being ordered`, value: `${d.asRecorded}${d.dose ? `: ${d.dose.value} ${d.dose.unit}` : ''}`, sources: [d.ref] }));
    const cited = new Set<LabRead>([...findings.flatMap((f) => f.labs), ...gaps.filter((g) => g.fact !== undefined)]);
    for (const l of cited) {
      const f = l.fact as LabFact;
      facts.push({
        label: l.name.charAt(0).toUpperCase() + l.name.slice(1),
        value: `${f.comparator ?? ''}${f.value} ${f.unit}${f.referenceHigh !== undefined ? ` (upper limit of normal ${f.referenceHigh} ${f.unit})` : ' (upper limit of normal not reported)'}`,
        ...(f.date ? { date: f.date } : {}),
        sources: f.sources,
      });
    }

    const suggestions: SuggestionSpec[] = [];
    if (actions.length > 0) suggestions.push({ labelKey: 'reduceDose', isRecommended: true, actions });
    if (needTests.length > 0) {
      const drugs = joinNames(drafts.map((d) => d.drug as string));
      suggestions.push({
        labelKey: 'liverPanel',
        isRecommended: true,
        actions: [
          {
            kind: 'propose-service',
            order: {
              text: 'Liver panel: AST, ALT, total bilirubin, alkaline phosphatase',
              category: 'laboratory',
              reason: `Before ${drugs}: the labelled hepatic criteria need current liver tests (within ${maxDays} days)`,
              note: `Missing or not current: ${gapText(needTests)}.`,
            },
          },
        ],
      });
    }

    const labNote =
      gaps.length > 0
        ? `Could not be decided from the data: ${gapText(gaps)}. Liver tests count when at most ${maxDays} days old; no default upper limit of normal is assumed when the lab does not report one.`
        : `Liver tests used are at most ${maxDays} days old, graded against the upper limit of normal the lab reported.`;

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: worst.level === 'avoid' ? 'critical' : 'warning',
      variant: worst.level,
      values: {
        drug: joinNames(findings.filter((f) => f.level === worst.level).map((f) => f.drug)),
        headline: worst.headline,
        target: String(worst.target ?? ''),
        findings: findings.map((f) => `- ${f.text}.`).join('\n'),
        labNote,
        doseNote:
          doseNotes.length > 0
            ? `${doseNotes.join(' ')} Verify before signing.`
            : worst.level === 'avoid'
              ? 'No dose is proposed: at these liver tests the label advises against giving the drug.'
              : '',
      },
      facts,
      suggestions,
      ...(suggestions.length > 1 ? { selectionBehavior: 'any' as const } : {}),
    };
    return rec;
  },
};
