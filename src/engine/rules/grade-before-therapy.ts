import { platinumEtoposide } from '../classify/regimens.js';
import { joinNames } from '../format.js';
import type { DraftOrder, DrugClass, NenClass } from '../picture.js';
import { isKnown } from '../picture.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';

/**
 * rules.md §4 `grade-before-therapy` (seed 002, 004): a neuroendocrine neoplasm whose grade or differentiation is not
 * established (ungraded, high grade of unclear differentiation, or a presumed G1/G2). Chart open: info; order entry:
 * warning when neuroendocrine-directed therapy is ordered (somatostatin analogue, PRRT, everolimus / sunitinib,
 * platinum–etoposide, capecitabine–temozolomide, liver-directed therapy). Proposes a Ki-67 / pathology review.
 */

const UNGRADED: ReadonlySet<NenClass> = new Set<NenClass>(['NEN-ungraded', 'high-grade-NEN-unclear', 'NET-G1/G2-presumed']);
const NEN_DIRECTED_CLASSES: readonly DrugClass[] = ['SSA', 'PRRT', 'MTOR/TKI-PNET'];
const LIVER_DIRECTED = new Set(['tace', 'tare', 'tae', 'liver-ablation']);
/** Ki-67 above this favours a carcinoma over a NET G3 (seed 003 ref 17, NORDIC NEC; rules.md §4). */
const KI67_FAVOURS_NEC = 55;
const KI67_HIGH_GRADE = 20;

/** The in-scope drafts that are neuroendocrine-directed therapy (the regimens count as their whole draft set). */
function nenDirectedDrafts(drafts: readonly DraftOrder[], platinumEtoposideDrafts: readonly DraftOrder[]): DraftOrder[] {
  const direct = drafts.filter(
    (d) => d.classes.some((c) => NEN_DIRECTED_CLASSES.includes(c)) || (d.procedure !== undefined && LIVER_DIRECTED.has(d.procedure)),
  );
  const temozolomide = drafts.some((d) => d.drug === 'temozolomide');
  const captem = temozolomide ? drafts.filter((d) => d.classes.includes('CAPTEM')) : [];
  const regimens = [platinumEtoposideDrafts, captem].filter((set) => set.some((d) => d.inScope)).flat();
  return [...new Set([...direct.filter((d) => d.inScope), ...regimens])];
}

export const gradeBeforeTherapy: Rule = {
  id: 'grade-before-therapy',
  hooks: ['patient-view', 'order-select', 'order-sign'],
  priority: 90,
  placeholders: ['drug', 'highGradeNote', 'progressionNote', 'reviewNote'],
  evaluate(picture, ctx) {
    const nen = picture.nen;
    if (!UNGRADED.has(nen.nenClass)) return null;

    const facts: CitedFact[] = [{ label: 'Neuroendocrine classification', value: nen.basis, ...(nen.date ? { date: nen.date } : {}), sources: nen.sources }];
    if (isKnown(picture.ki67))
      facts.push({
        label: 'Ki-67',
        value: `${picture.ki67.value} %`,
        ...(picture.ki67.date ? { date: picture.ki67.date } : {}),
        sources: picture.ki67.sources,
      });
    if (isKnown(picture.mitoticCount)) {
      const m = picture.mitoticCount;
      facts.push({ label: 'Mitotic count', value: `${m.value} ${m.unit}`, ...(m.date ? { date: m.date } : {}), sources: m.sources });
    }

    let drafts: DraftOrder[] = [];
    if (ctx.hook !== 'patient-view') {
      drafts = nenDirectedDrafts(picture.draftOrders, platinumEtoposide(picture, ctx.settings.regimenWindowDays, nen.date).drafted);
      if (drafts.length === 0) return null;
      facts.push(...drafts.map((d) => ({ label: 'Being ordered', value: d.asRecorded, sources: [d.ref] })));
    }

    let highGradeNote = '';
    let progressionNote = '';
    if (nen.nenClass === 'high-grade-NEN-unclear') {
      const ki67 = isKnown(picture.ki67) ? picture.ki67 : undefined;
      const where =
        ki67 === undefined || ki67.value <= KI67_HIGH_GRADE
          ? ''
          : ki67.value > KI67_FAVOURS_NEC
            ? ` Here Ki-67 is ${ki67.value} %: this favours a carcinoma.`
            : ` Here Ki-67 is ${ki67.value} %: this favours a well-differentiated NET G3.`;
      highGradeNote = `**High grade, differentiation unclear.** Ki-67 > ${KI67_FAVOURS_NEC} % favours NEC (neuroendocrine carcinoma), ${KI67_HIGH_GRADE}–${KI67_FAVOURS_NEC} % favours NET G3; morphology and immunohistochemistry (p53, Rb, SSTR2) decide.${where}`;
      const status = picture.diseaseStatus;
      if (isKnown(status) && status.value === 'progressing') {
        facts.push({ label: 'Disease status', value: 'progressing', ...(status.date ? { date: status.date } : {}), sources: status.sources });
        progressionNote = '**The disease is progressing: do not delay systemic therapy while review is pending.**';
      }
    }

    const pending = [
      ...picture.procedures
        .filter((p) => p.category === 'pathology-review' && p.status === 'ordered')
        .map((p) => `${p.display} (ordered ${p.date?.slice(0, 10) ?? 'on an unknown date'})`),
      ...picture.draftOrders.filter((d) => d.procedure === 'ki67-pathology-review').map((d) => `${d.asRecorded} (in this order set)`),
    ];
    const suggestions: SuggestionSpec[] = pending.length
      ? []
      : [
          {
            labelKey: 'review',
            isRecommended: true,
            actions: [
              {
                kind: 'propose-service',
                order: {
                  text: 'Ki-67 index and pathology review of the neuroendocrine neoplasm (differentiation, mitotic count)',
                  category: 'pathology',
                  reason: `Grade not established: ${nen.basis}`,
                  note: 'Please report differentiation (well / poorly differentiated), Ki-67 index and mitotic count per 2 mm² (WHO 2019).',
                },
              },
            ],
          },
        ];

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: ctx.hook === 'patient-view' ? 'info' : 'warning',
      variant: ctx.hook === 'patient-view' ? 'chart' : 'order',
      values: {
        drug: joinNames(drafts.map((d) => d.drug ?? d.asRecorded)),
        highGradeNote,
        progressionNote,
        reviewNote: pending.length ? `A pathology review is already pending: ${joinNames(pending)}.` : '',
      },
      facts,
      suggestions,
    };
    return rec;
  },
};
