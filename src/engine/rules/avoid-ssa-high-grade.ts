import { joinNames } from '../format.js';
import type { DraftOrder, PatientPicture, Therapy } from '../picture.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';

/**
 * rules.md §4 `avoid-ssa-high-grade` (seed 004): long-acting somatostatin analogues are antiproliferative only in
 * well-differentiated tumours; in a high-grade neuroendocrine carcinoma they delay platinum–etoposide. Chart open: a
 * current long-acting SSA; order entry: a long-acting SSA in the drafts in scope whose reason is not symptom control.
 * The extraction gives class SSA to long-acting forms only (short-acting octreotide for diarrhoea, obstruction,
 * fistula output or carcinoid crisis is not an SSA), so this rule never sees short-acting octreotide.
 */

/**
 * A reason that says the analogue is for symptom control of a hormonal syndrome, not for the tumour: carcinoid
 * syndrome or crisis, diarrhoea, flushing, a hormonal / functional syndrome (VIPoma, insulinoma, gastrinoma,
 * glucagonoma; not a "non-functional" tumour), and the endocrine indications of the labels (acromegaly, Cushing's disease for pasireotide).
 */
const SYMPTOM_CONTROL =
  /\bsymptom|\bsymptomatic\b|\bcarcinoid\s+(?:syndrome|crisis|heart)|\bdiarrh?o?ea\b|\bdiarrh|\bflush|\bhormon(?:e|al)[-\s]+(?:syndrome|hypersecretion|excess|related)|(?<!\bnon[-\s]?)\bfunctional\s+(?:syndrome|tumou?r|neuroendocrine)|\bVIPoma|\binsulinoma|\bhypoglyc(?:a)?emi|\bgastrinoma|Zollinger|\bglucagonoma|\bacromegal|\bCushing|\bsecretory\b/i;

/**
 * Whether the order's reason, as written, is symptom control (then the rule does not fire).
 * @param reason - `DraftOrder.reason`
 */
export function isSymptomControlReason(reason: string | undefined): boolean {
  return reason !== undefined && SYMPTOM_CONTROL.test(reason);
}

/** The name a clinician recognises: the SSA class is only ever the long-acting form. */
function ssaName(drug: string | undefined, asRecorded: string): string {
  switch (drug) {
    case 'octreotide':
      return 'long-acting octreotide';
    case 'pasireotide':
      return 'long-acting pasireotide';
    case 'lanreotide':
      return 'lanreotide';
    default:
      return drug ?? asRecorded;
  }
}

function necFact(picture: PatientPicture): CitedFact {
  return {
    label: 'Neuroendocrine class',
    value: `high-grade neuroendocrine carcinoma — ${picture.nen.basis}`,
    date: picture.nen.date,
    sources: picture.nen.sources,
  };
}

function depotNote(depots: Therapy[]): string {
  return depots
    .map(
      (t) =>
        `${t.asRecorded} is known from a depot given on ${t.depot?.lastGiven.slice(0, 10)}: do not give the next dose, due ${t.depot?.nextDoseDue.slice(0, 10)}.`,
    )
    .join(' ');
}

export const avoidSsaHighGrade: Rule = {
  id: 'avoid-ssa-high-grade',
  hooks: ['patient-view', 'order-select', 'order-sign'],
  priority: 80,
  placeholders: ['drug', 'drugAsRecorded', 'reasonNote', 'depotNote'],
  evaluate(picture, ctx) {
    if (picture.nen.nenClass !== 'NEC') return null;
    const facts: CitedFact[] = [necFact(picture)];
    let items: { drug?: string; asRecorded: string }[];
    let suggestion: SuggestionSpec | null;
    let reasonNote: string;
    let depots = '';

    if (ctx.hook === 'patient-view') {
      const ssa = picture.therapies.filter((t) => t.status === 'current' && t.classes.includes('SSA'));
      if (ssa.length === 0) return null;
      items = ssa;
      facts.push(
        ...ssa.map((t) => ({ label: 'Current long-acting somatostatin analogue', value: t.asRecorded, date: t.lastDate ?? t.date, sources: t.sources })),
      );
      depots = depotNote(ssa.filter((t) => t.depot !== undefined));
      // Therapy carries no reason (only DraftOrder does): the card says so instead of guessing.
      reasonNote = `The reason for ${joinNames(ssa.map((t) => ssaName(t.drug, t.asRecorded)))} is not in the records this service reads: if it is given to control a hormonal syndrome (carcinoid syndrome, diarrhoea, flushing), keep it and override this card.`;
      const stoppable = ssa.filter((t) => t.kind === 'request');
      suggestion =
        stoppable.length === 0
          ? null
          : {
              labelKey: 'stop',
              isRecommended: true,
              actions: stoppable.map((t) => ({
                kind: 'stop-therapy' as const,
                ref: t.ref,
                reason: 'High-grade neuroendocrine carcinoma: long-acting somatostatin analogue has no antitumour effect',
              })),
            };
    } else {
      const drafts: DraftOrder[] = picture.draftOrders.filter((d) => d.inScope && d.classes.includes('SSA') && !isSymptomControlReason(d.reason));
      if (drafts.length === 0) return null;
      items = drafts;
      facts.push(
        ...drafts.map((d) => ({
          label: 'Long-acting somatostatin analogue being ordered',
          value: `${d.asRecorded} (reason on the order: ${d.reason ? `"${d.reason}"` : 'none given'})`,
          sources: [d.ref],
        })),
      );
      reasonNote = drafts.some((d) => d.reason === undefined)
        ? 'The order gives no reason: if it is meant to control a hormonal syndrome (carcinoid syndrome, diarrhoea, flushing), say so on the order or override this card.'
        : 'The reason on the order is not symptom control: if it is meant to control a hormonal syndrome (carcinoid syndrome, diarrhoea, flushing), override this card.';
      suggestion = { labelKey: 'remove', isRecommended: true, actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) };
    }

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'warning',
      variant: ctx.hook === 'patient-view' ? 'current' : 'ordered',
      values: {
        drug: joinNames(items.map((i) => ssaName(i.drug, i.asRecorded))),
        drugAsRecorded: joinNames(items.map((i) => i.asRecorded)),
        reasonNote,
        depotNote: depots,
      },
      facts,
      suggestions: suggestion ? [suggestion] : [],
    };
    return rec;
  },
};
