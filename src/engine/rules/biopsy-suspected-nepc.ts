import { NEC_HISTOLOGY } from '../classify/nepc.js';
import { joinNames } from '../format.js';
import type { LabFact } from '../picture.js';
import { isKnown } from '../picture.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';
import { ageInDays } from '../staleness.js';

/**
 * rules.md §4 `biopsy-suspected-nepc` (seed 000: "the NCCN specifically recommends biopsy of accessible metastatic
 * lesions to identify small cell/neuroendocrine features in patients with mCRPC, particularly those with visceral
 * disease and low PSA"; aggressive-variant criteria, Aparicio et al. 2013). Chart open, prostate cancer that is
 * castration-resistant or radiographically progressing, with new visceral metastases (onset within
 * `settings.newMetastasisDays`), a PSA from the last `settings.recentPsaDays` that is ≤ `settings.lowPsaNgMl` or not
 * rising while imaging progresses, no metastasis biopsy within `settings.recentBiopsyDays` and no small cell / NEC
 * histology yet: propose a biopsy with the immunohistochemistry panel.
 *
 * Lytic bone metastases and lymph nodes ≥ 5 cm are criteria in rules.md but are not in the patient picture; the card
 * says they were not assessed.
 */

const IHC_PANEL = 'synaptophysin, chromogranin A, INSM1, Ki-67, androgen receptor (AR), PSA and NKX3.1';

function psaText(p: LabFact): string {
  return `${p.comparator ? `${p.comparator} ` : ''}${p.value} ${p.unit}`;
}

export const biopsySuspectedNepc: Rule = {
  id: 'biopsy-suspected-nepc',
  hooks: ['patient-view'],
  priority: 70,
  placeholders: ['sites', 'psaBasis', 'ihcPanel'],
  evaluate(picture, ctx) {
    const { settings, now } = ctx;
    const prostate = picture.cancers.find((c) => c.primarySite === 'prostate');
    if (!prostate) return null;
    if (picture.histology.some((h) => NEC_HISTOLOGY.has(h.histologyClass))) return null;

    const facts: CitedFact[] = [{ label: 'Prostate cancer', value: prostate.display, date: prostate.date, sources: prostate.sources }];

    // Castration-resistant (rules.md §1) or radiographic progression.
    const crpc = isKnown(picture.castrationResistant) && picture.castrationResistant.value ? picture.castrationResistant : undefined;
    const progressing = isKnown(picture.diseaseStatus) && picture.diseaseStatus.value === 'progressing' ? picture.diseaseStatus : undefined;
    if (!crpc && !progressing) return null;
    if (crpc) facts.push({ label: 'Castration-resistant', value: crpc.basis, date: crpc.date, sources: crpc.sources });
    if (progressing) facts.push({ label: 'Disease status', value: 'progressing', date: progressing.date, sources: progressing.sources });

    // New visceral metastases.
    const newVisceral = picture.metastases
      .filter((m) => m.visceral)
      .map((m) => ({ m, age: ageInDays(m, now) }))
      .filter((x): x is { m: typeof x.m; age: number } => x.age !== undefined && x.age <= settings.newMetastasisDays);
    if (newVisceral.length === 0) return null;
    facts.push(
      ...newVisceral.map(({ m, age }) => ({
        label: `New visceral metastasis (${m.site})`,
        value: `${m.display} (first recorded ${age} days ago)`,
        date: m.date,
        sources: m.sources,
      })),
    );

    // PSA: the latest, from the last recentPsaDays, low or not rising while imaging progresses.
    const [latest, previous] = picture.psa;
    const latestAge = latest ? ageInDays(latest, now) : undefined;
    if (!latest || latestAge === undefined || latestAge > settings.recentPsaDays) return null;
    const isLowerBound = latest.comparator === '>' || latest.comparator === '>=';
    const low = !isLowerBound && latest.value <= settings.lowPsaNgMl;
    const notRising = !low && progressing !== undefined && previous !== undefined && !isLowerBound && latest.value <= previous.value;
    if (!low && !notRising) return null;
    facts.push({ label: 'Latest PSA', value: psaText(latest), date: latest.date, sources: latest.sources });
    if (notRising && previous) facts.push({ label: 'Previous PSA', value: psaText(previous), date: previous.date, sources: previous.sources });
    const psaBasis = low
      ? `PSA ${psaText(latest)} on ${latest.date?.slice(0, 10)} is low (≤ ${settings.lowPsaNgMl} ng/mL) for this volume of disease`
      : `PSA is not rising (${psaText(previous as LabFact)} on ${previous?.date?.slice(0, 10)}, then ${psaText(latest)} on ${latest.date?.slice(0, 10)}) while the disease progresses`;

    // No metastasis biopsy (done or ordered) within recentBiopsyDays.
    const biopsies = picture.procedures.filter((p) => p.category === 'biopsy' && p.procedure !== 'prostate-biopsy').map((p) => ({ p, age: ageInDays(p, now) }));
    if (biopsies.some((b) => b.age !== undefined && b.age <= settings.recentBiopsyDays)) return null;
    facts.push(
      ...biopsies.map(({ p, age }) => ({
        label: `Earlier metastasis biopsy (${p.status})`,
        value: age === undefined ? `${p.display} (date not recorded)` : `${p.display} (${age} days ago)`,
        date: p.date,
        sources: p.sources,
      })),
    );

    const liver = picture.metastases.find((m) => m.site === 'liver');
    const sites = joinNames(newVisceral.map(({ m }) => m.site));
    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'warning',
      variant: liver ? 'liver' : 'other',
      values: { sites, psaBasis, ihcPanel: IHC_PANEL },
      facts,
      suggestions: [
        {
          labelKey: 'biopsy',
          isRecommended: true,
          actions: [
            {
              kind: 'propose-service',
              order: liver
                ? {
                    procedure: 'liver-biopsy',
                    text: `Biopsy of liver metastasis, with immunohistochemistry: ${IHC_PANEL}`,
                    category: 'procedure',
                    reason: 'Suspected small cell / neuroendocrine transformation of castration-resistant prostate cancer',
                    note: psaBasis,
                  }
                : {
                    text: `Biopsy of an accessible metastasis (${sites}), with immunohistochemistry: ${IHC_PANEL}`,
                    category: 'procedure',
                    reason: 'Suspected small cell / neuroendocrine transformation of castration-resistant prostate cancer',
                    note: psaBasis,
                  },
            },
          ],
        },
      ],
    };
    return rec;
  },
};
