import { joinNames } from '../format.js';
import { type DrugClass, isKnown, type LabFact, type Maybe } from '../picture.js';
import type { CitedFact, ProposedAction, Recommendation, Rule, ServiceProposal } from '../recommendation.js';
import { describeDated, isStale } from '../staleness.js';

/**
 * rules.md §4 `pre-cycle-labs` (seed 000: labs before each cycle; thresholds common practice): order-sign, a cytotoxic
 * drafted in scope. Warning when there is no blood count (ANC and platelets) within `inputMaxAgeDays`, or ANC
 * < 1.5 ×10⁹/L or platelets < 100 ×10⁹/L (critical below 1.0 and 50); platinum: no creatinine within the window
 * (cisplatin also magnesium and potassium — not in every picture: then said "not available to check"); taxanes, or any
 * cytotoxic with liver metastases: no AST/ALT/bilirubin/alkaline phosphatase within the window. One suggestion proposes
 * a text-only laboratory ServiceRequest for each missing panel.
 */

/** Neutrophils below this → warning, ×10⁹/L (rules.md §4, common practice; not in RuleSettings). */
const ANC_WARNING_BELOW = 1.5;
/** Neutrophils below this → critical, ×10⁹/L (rules.md §4; not in RuleSettings). */
const ANC_CRITICAL_BELOW = 1.0;
/** Platelets below this → warning, ×10⁹/L (rules.md §4; not in RuleSettings). */
const PLATELETS_WARNING_BELOW = 100;
/** Platelets below this → critical, ×10⁹/L (rules.md §4; not in RuleSettings). */
const PLATELETS_CRITICAL_BELOW = 50;

/** The cytotoxics of rules.md §4 `pre-cycle-labs`, by terminology concept id. */
const CYTOTOXIC = new Set([
  'cisplatin',
  'carboplatin',
  'etoposide',
  'docetaxel',
  'cabazitaxel',
  'topotecan',
  'irinotecan',
  'oxaliplatin',
  'fluorouracil',
  'capecitabine',
  'temozolomide',
  'lurbinectedin',
  'radium-223',
]);
const CYTOTOXIC_CLASSES: readonly DrugClass[] = ['PLATINUM', 'ETOPOSIDE', 'TAXANE', 'RADIUM'];

/** Picture count units are 10*3/uL, the same number as ×10⁹/L. */
const COUNT_UNITS = new Set(['10*3/uL', '10*9/L']);

type Panel = 'cbc' | 'creatinine' | 'electrolytes' | 'liver';

const PANEL: Record<Panel, { name: string; order: string }> = {
  cbc: { name: 'blood count', order: 'Complete blood count with differential (absolute neutrophil count, platelets)' },
  creatinine: { name: 'creatinine', order: 'Serum creatinine' },
  electrolytes: { name: 'magnesium/potassium', order: 'Serum magnesium and potassium' },
  liver: { name: 'liver tests', order: 'Liver panel: AST, ALT, total bilirubin, alkaline phosphatase' },
};

interface LabCheck {
  name: string;
  fact?: LabFact;
  /** Why a new test is needed (missing, or older than the window); undefined when current. */
  gap?: string;
}

function check(name: string, lab: Maybe<number, LabFact>, now: Date, maxDays: number): LabCheck {
  if (!isKnown(lab)) return { name, gap: `${name}: ${lab.reason}` };
  if (isStale(lab, now, maxDays))
    return { name, fact: lab, gap: `${name} ${describeDated(`${lab.comparator ?? ''}${lab.value} ${lab.unit}`, lab, now, maxDays)}` };
  return { name, fact: lab };
}

/** Below the threshold; a "< x" bound counts when x is at or below it. */
function below(lab: LabFact, threshold: number): boolean {
  return lab.comparator === '<' || lab.comparator === '<='
    ? lab.value <= threshold
    : lab.comparator === '>' || lab.comparator === '>='
      ? false
      : lab.value < threshold;
}

const countText = (lab: LabFact) => `${lab.comparator ?? ''}${lab.value} ×10⁹/L`;

export const preCycleLabs: Rule = {
  id: 'pre-cycle-labs',
  hooks: ['order-sign'],
  priority: 70,
  placeholders: ['drug', 'headline', 'findings', 'electrolytesNote'],
  evaluate(picture, ctx) {
    const drafts = picture.draftOrders.filter(
      (d) => d.inScope && ((d.drug !== undefined && CYTOTOXIC.has(d.drug)) || d.classes.some((c) => CYTOTOXIC_CLASSES.includes(c))),
    );
    if (drafts.length === 0) return null;

    const maxDays = ctx.settings.inputMaxAgeDays;
    const { now } = ctx;
    const drugNames = drafts.map((d) => d.drug ?? d.asRecorded);
    const platinum = drafts.filter((d) => d.classes.includes('PLATINUM') || d.drug === 'cisplatin' || d.drug === 'carboplatin');
    const cisplatin = drafts.some((d) => d.drug === 'cisplatin');
    const taxanes = drafts.filter((d) => d.classes.includes('TAXANE') || d.drug === 'docetaxel' || d.drug === 'cabazitaxel');
    const liverMets = picture.metastases.filter((m) => m.site === 'liver');

    const facts: CitedFact[] = drafts.map((d) => ({
      label: 'Cytotoxic being ordered',
      value: d.dose ? `${d.asRecorded} (${d.dose.value} ${d.dose.unit})` : d.asRecorded,
      sources: [d.ref],
    }));
    const cite = (c: LabCheck, label: string, value?: string) => {
      if (c.fact)
        facts.push({
          label,
          value: value ?? `${c.fact.comparator ?? ''}${c.fact.value} ${c.fact.unit}`,
          ...(c.fact.date ? { date: c.fact.date } : {}),
          sources: c.fact.sources,
        });
    };

    const findings: string[] = [];
    const missing = new Map<Panel, string[]>();
    const counts: { text: string; critical: boolean }[] = [];

    // Blood count: ANC and platelets, both current; then the thresholds.
    const anc = check('neutrophils', picture.labs.anc, now, maxDays);
    const plt = check('platelets', picture.labs.platelets, now, maxDays);
    for (const [c, label, warnBelow, critBelow] of [
      [anc, 'Absolute neutrophil count', ANC_WARNING_BELOW, ANC_CRITICAL_BELOW],
      [plt, 'Platelets', PLATELETS_WARNING_BELOW, PLATELETS_CRITICAL_BELOW],
    ] as const) {
      if (c.gap) {
        missing.set('cbc', [...(missing.get('cbc') ?? []), c.gap]);
        cite(c, label);
        continue;
      }
      const f = c.fact as LabFact;
      if (!COUNT_UNITS.has(f.unit)) {
        missing.set('cbc', [...(missing.get('cbc') ?? []), `${c.name} ${f.value} ${f.unit}: unit not ×10⁹/L, not compared`]);
        cite(c, label);
        continue;
      }
      if (below(f, warnBelow)) {
        const critical = below(f, critBelow);
        counts.push({ text: `${c.name} ${countText(f)}`, critical });
        findings.push(
          `- ${c.name} ${countText(f)} on ${f.date?.slice(0, 10) ?? 'an unrecorded date'}: below ${critical ? critBelow : warnBelow} ×10⁹/L${critical ? ' (critical)' : ''}.`,
        );
        cite(c, label, `${countText(f)} (threshold ${warnBelow}; critical below ${critBelow})`);
      }
    }

    // Platinum: creatinine; cisplatin also magnesium and potassium.
    let electrolytesNote = '';
    if (platinum.length > 0) {
      const cr = check('creatinine', picture.renal.creatinine, now, maxDays);
      if (cr.gap) {
        missing.set('creatinine', [cr.gap]);
        cite(cr, 'Serum creatinine');
      }
    }
    if (cisplatin) {
      const { magnesium, potassium } = picture.labs;
      const unavailable = [magnesium === undefined ? 'magnesium' : undefined, potassium === undefined ? 'potassium' : undefined].filter(
        (n): n is string => n !== undefined,
      );
      const gaps = [
        magnesium === undefined ? undefined : check('magnesium', magnesium, now, maxDays),
        potassium === undefined ? undefined : check('potassium', potassium, now, maxDays),
      ].filter((c): c is LabCheck => c !== undefined && c.gap !== undefined);
      if (gaps.length > 0) {
        missing.set(
          'electrolytes',
          gaps.map((g) => g.gap as string),
        );
        for (const g of gaps) cite(g, g.name === 'magnesium' ? 'Magnesium' : 'Potassium');
      }
      if (unavailable.length > 0)
        electrolytesNote = `Cisplatin also needs ${joinNames(unavailable)} before each cycle (hydration with magnesium and potassium): ${joinNames(unavailable)} not available to check in the data this service reads.`;
    }

    // Taxanes, or any cytotoxic with liver metastases: the liver tests.
    const liverWhy =
      taxanes.length > 0
        ? `${joinNames(taxanes.map((d) => d.drug ?? d.asRecorded))} ${taxanes.length > 1 ? 'are' : 'is'} cleared by the liver`
        : liverMets.length > 0
          ? 'liver metastases are on record'
          : undefined;
    if (liverWhy) {
      const liver = [
        check('AST', picture.labs.ast, now, maxDays),
        check('ALT', picture.labs.alt, now, maxDays),
        check('bilirubin', picture.labs.bilirubin, now, maxDays),
        check('alkaline phosphatase', picture.labs.alp, now, maxDays),
      ];
      const gaps = liver.filter((c) => c.gap !== undefined);
      if (gaps.length > 0) {
        missing.set('liver', [...gaps.map((g) => g.gap as string)]);
        for (const g of gaps) cite(g, g.name.charAt(0).toUpperCase() + g.name.slice(1));
        for (const m of liverMets) facts.push({ label: 'Liver metastasis', value: m.display, ...(m.date ? { date: m.date } : {}), sources: m.sources });
      }
    }

    if (counts.length === 0 && missing.size === 0) return null;

    for (const [panel, gaps] of missing) {
      const why = panel === 'liver' && liverWhy ? ` (${liverWhy})` : '';
      findings.push(`- No current ${PANEL[panel].name} within ${maxDays} days${why}: ${gaps.join('; ')}.`);
    }

    const critical = counts.some((c) => c.critical);
    const variant = critical ? 'critical' : counts.length > 0 ? 'low' : 'missing';
    const missingNames = [...missing.keys()].map((p) => PANEL[p].name);
    const headline = counts.length > 0 ? joinNames(counts.map((c) => c.text)) : `no ${joinNames(missingNames)} from the last ${maxDays} days`;

    const drugs = joinNames(drugNames);
    const actions: ProposedAction[] = [...missing.keys()].map((panel) => {
      const order: ServiceProposal = {
        text: PANEL[panel].order,
        category: 'laboratory',
        reason: `Before ${drugs}: no current ${PANEL[panel].name} within ${maxDays} days`,
        note: (missing.get(panel) ?? []).join('; '),
      };
      return { kind: 'propose-service', order };
    });

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: critical ? 'critical' : 'warning',
      variant,
      values: { drug: drugs, headline, findings: findings.join('\n'), electrolytesNote },
      facts,
      suggestions: actions.length > 0 ? [{ labelKey: 'orderLabs', isRecommended: true, actions }] : [],
    };
    return rec;
  },
};
