import { platinumEtoposide } from '../classify/regimens.js';
import { joinNames } from '../format.js';
import { isKnown, type PatientPicture, type Therapy } from '../picture.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';

/**
 * rules.md §4 `avoid-liver-directed-high-grade` (seed 004): transarterial therapy (TAE, TACE, TARE) and ablation are
 * for slow-growing, well-differentiated tumours; a high-grade neuroendocrine carcinoma needs systemic chemotherapy
 * first. Warning when no platinum–etoposide has been given since the carcinoma was diagnosed, or the disease is
 * progressing; info otherwise (seed 004 allows liver-directed therapy after indolent behaviour on chemotherapy).
 */

/**
 * The procedure concepts of `clinical/terminology.json` marked `liverDirected: true`. Listed here because rules do
 * not import the terminology (src/fhir); keep in step with it.
 */
const LIVER_DIRECTED_PROCEDURES: Readonly<Record<string, string>> = {
  tace: 'liver chemoembolisation',
  tare: 'liver radioembolisation',
  tae: 'liver embolisation',
  'liver-ablation': 'liver ablation',
};

function necFact(picture: PatientPicture): CitedFact {
  return {
    label: 'Neuroendocrine class',
    value: `high-grade neuroendocrine carcinoma — ${picture.nen.basis}`,
    date: picture.nen.date,
    sources: picture.nen.sources,
  };
}

export const avoidLiverDirectedHighGrade: Rule = {
  id: 'avoid-liver-directed-high-grade',
  hooks: ['order-select', 'order-sign'],
  priority: 70,
  placeholders: ['procedure', 'procedureAsRecorded', 'chemoNote', 'statusNote'],
  evaluate(picture, ctx) {
    if (picture.nen.nenClass !== 'NEC') return null;
    const drafts = picture.draftOrders.filter((d) => d.inScope && d.procedure !== undefined && d.procedure in LIVER_DIRECTED_PROCEDURES);
    if (drafts.length === 0) return null;

    const pe = platinumEtoposide(picture, ctx.settings.regimenWindowDays, picture.nen.date);
    const given: Therapy[] = [...new Set([...pe.past, ...pe.current])];
    const status = picture.diseaseStatus;
    const progressing = isKnown(status) && status.value === 'progressing';
    const variant = given.length === 0 ? 'first-line' : progressing ? 'progressing' : 'after-chemotherapy';

    const facts: CitedFact[] = [
      necFact(picture),
      ...drafts.map((d) => ({
        label: 'Liver-directed therapy being ordered',
        value: d.reason ? `${d.asRecorded} (reason: "${d.reason}")` : d.asRecorded,
        sources: [d.ref],
      })),
      ...given.map((t) => ({
        label: t.status === 'current' ? 'Current platinum–etoposide' : 'Platinum–etoposide given',
        value: t.asRecorded,
        date: t.lastDate ?? t.date,
        sources: t.sources,
      })),
    ];
    if (isKnown(status)) facts.push({ label: 'Disease status', value: status.value, date: status.date, sources: status.sources });

    const since = picture.nen.date ? ` since the carcinoma was diagnosed (${picture.nen.date.slice(0, 10)})` : '';
    const drafted =
      pe.drafted.length > 0
        ? ` Platinum–etoposide (${joinNames(pe.drafted.map((d) => d.drug ?? d.asRecorded))}) is being ordered now: start it first and reassess the liver after chemotherapy.`
        : '';
    const chemoNote =
      given.length === 0
        ? `No platinum–etoposide is recorded${since}.${drafted} If it was given elsewhere, override this card.`
        : `Platinum–etoposide has been given (last ${
            given
              .map((t) => t.lastDate ?? t.date)
              .filter((d): d is string => Boolean(d))
              .sort()
              .at(-1)
              ?.slice(0, 10) ?? 'date not recorded'
          }).`;
    const statusNote = !isKnown(status)
      ? `Disease status is not recorded${/^not recorded$/i.test(status.reason) ? '' : ` (${status.reason})`}: whether the carcinoma is behaving indolently cannot be judged from the record.`
      : status.value === 'unknown'
        ? 'Disease status is recorded as unknown: whether the carcinoma is behaving indolently cannot be judged from the record.'
        : '';

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: variant === 'after-chemotherapy' ? 'info' : 'warning',
      variant,
      values: {
        procedure: joinNames(drafts.map((d) => LIVER_DIRECTED_PROCEDURES[d.procedure as string] as string)),
        procedureAsRecorded: joinNames(drafts.map((d) => d.asRecorded)),
        chemoNote,
        statusNote,
      },
      facts,
      suggestions: [
        { labelKey: 'remove', isRecommended: variant !== 'after-chemotherapy', actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) },
      ],
    };
    return rec;
  },
};
