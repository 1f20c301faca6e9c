import { draftedColorectalRegimen, platinumEtoposide } from '../classify/regimens.js';
import { joinNames } from '../format.js';
import type { DraftOrder, PatientPicture } from '../picture.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';

/**
 * rules.md §4 `avoid-colorectal-regimen-first-line` (seed 004; seed 003 for second line): a high-grade neuroendocrine
 * carcinoma gets platinum–etoposide first; a colorectal regimen (oxaliplatin or irinotecan with fluorouracil or
 * capecitabine) is a second-line option after it. Fires on order entry when such a regimen is in the draft set (one of
 * its drafts in scope) and no platinum–etoposide has been given since the carcinoma was diagnosed.
 */

/** FOLFOX, FOLFIRI, FOLFIRINOX, CAPOX or capecitabine + irinotecan, from the drafted drugs. */
function regimenName(drafts: readonly DraftOrder[]): string {
  const drugs = new Set(drafts.map((d) => d.drug));
  const ox = drugs.has('oxaliplatin');
  const iri = drugs.has('irinotecan');
  const fu = drugs.has('fluorouracil');
  if (ox && iri) return 'FOLFIRINOX';
  if (ox) return fu ? 'FOLFOX' : 'CAPOX';
  return fu ? 'FOLFIRI' : 'capecitabine + irinotecan';
}

function necFact(picture: PatientPicture): CitedFact {
  return {
    label: 'Neuroendocrine class',
    value: `high-grade neuroendocrine carcinoma — ${picture.nen.basis}`,
    date: picture.nen.date,
    sources: picture.nen.sources,
  };
}

export const avoidColorectalRegimenFirstLine: Rule = {
  id: 'avoid-colorectal-regimen-first-line',
  hooks: ['order-select', 'order-sign'],
  priority: 75,
  placeholders: ['regimen', 'drugs', 'historyNote'],
  evaluate(picture, ctx) {
    if (picture.nen.nenClass !== 'NEC') return null;
    const regimen = draftedColorectalRegimen(picture.draftOrders);
    if (!regimen.some((d) => d.inScope)) return null;

    const pe = platinumEtoposide(picture, ctx.settings.regimenWindowDays, picture.nen.date);
    if (pe.past.length > 0 || pe.current.length > 0) return null;

    // Folinic acid (leucovorin) is part of FOLFOX / FOLFIRI / FOLFIRINOX: removed with the regimen.
    const leucovorin = picture.draftOrders.filter((d) => d.drug === 'leucovorin');
    const drafts = [...new Set([...regimen, ...leucovorin])];
    const facts: CitedFact[] = [
      necFact(picture),
      ...drafts.map((d) => ({ label: d.inScope ? 'Being ordered' : 'In the same order set', value: d.asRecorded, sources: [d.ref] })),
    ];

    const before = picture.nen.date ? platinumEtoposide(picture, ctx.settings.regimenWindowDays).past : [];
    const since = picture.nen.date ? ` since the carcinoma was diagnosed (${picture.nen.date.slice(0, 10)})` : '';
    const historyNote =
      `No platinum–etoposide is recorded${since}.` +
      (before.length > 0
        ? ` ${joinNames(before.map((t) => `${t.asRecorded} (${(t.lastDate ?? t.date ?? 'date not recorded').slice(0, 10)})`))} predate the carcinoma diagnosis and do not count as its first line.`
        : '') +
      ' If it was given elsewhere, override this card with "given elsewhere".';
    const mixed = picture.nen.mixed;

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'warning',
      variant: mixed ? 'mixed' : 'pure',
      values: {
        regimen: regimenName(regimen),
        drugs: joinNames(drafts.map((d) => d.drug ?? d.asRecorded)),
        historyNote,
      },
      facts,
      suggestions: [{ labelKey: 'remove', isRecommended: !mixed, actions: drafts.map((d) => ({ kind: 'remove-draft' as const, ref: d.ref })) }],
    };
    return rec;
  },
};
