import { classifyNepc, nepcFacts } from '../classify/nepc.js';
import { joinNames } from '../format.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';

/**
 * rules.md §2 / §4 `confirm-nec-origin`: prostate cancer and small cell / NEC histology found outside a prostate or
 * pelvic specimen while another candidate primary (lung cancer, Merkel cell carcinoma) is on record. The origin decides
 * the treatment (prostate lineage → the NEPC rules; lung → small cell lung cancer; Merkel → immunotherapy), so an
 * information card asks for a pathology review with prostate-lineage immunohistochemistry; the NEPC rules stay silent.
 */

const PANEL = 'NKX3.1, androgen receptor (AR) and PSMA immunohistochemistry, and ERG rearrangement (supports prostate origin)';

export const confirmNecOrigin: Rule = {
  id: 'confirm-nec-origin',
  hooks: ['patient-view'],
  priority: 90,
  placeholders: ['histologyName', 'otherPrimaries', 'panel', 'merkelNote'],
  evaluate(picture) {
    const nepc = classifyNepc(picture);
    if (nepc.status !== 'origin-uncertain') return null;

    const facts: CitedFact[] = [
      ...nepcFacts(nepc),
      ...nepc.otherPrimaries.map((c) => ({ label: 'Other candidate primary', value: c.display, date: c.date, sources: c.sources })),
    ];
    const histologyName = nepc.findings.some((f) => f.histologyClass === 'small-cell') ? 'small cell carcinoma' : 'neuroendocrine carcinoma';
    const merkel = nepc.otherPrimaries.some((c) => c.primarySite === 'merkel');
    const specimens = joinNames(nepc.findings.map((f) => (f.specimenSite ? `${f.specimenSite} specimen` : 'specimen')));

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'info',
      variant: 'uncertain',
      values: {
        histologyName,
        otherPrimaries: joinNames(nepc.otherPrimaries.map((c) => c.display)),
        panel: PANEL,
        merkelNote: merkel
          ? ' For Merkel cell carcinoma, cytokeratin 20 (paranuclear dot) and Merkel cell polyomavirus staining help; Merkel cell carcinoma is treated with immunotherapy first.'
          : '',
      },
      facts,
      suggestions: [
        {
          labelKey: 'review',
          isRecommended: true,
          actions: [
            {
              kind: 'propose-service',
              order: {
                text: `Pathology review of the ${histologyName} (${specimens}) to confirm its origin: ${PANEL}`,
                category: 'pathology',
                reason: `${histologyName[0]?.toUpperCase()}${histologyName.slice(1)} with prostate cancer and another candidate primary on record`,
              },
            },
          ],
        },
      ],
    };
    return rec;
  },
};
