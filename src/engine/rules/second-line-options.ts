import { platinumEtoposide } from '../classify/regimens.js';
import type { Biomarkers, HookContext } from '../picture.js';
import { isKnown } from '../picture.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';
import { clinicalTrialsLink, necSite } from './clinical-trial-referral.js';

/**
 * rules.md §4 `second-line-options` (seed 000, 001, 003): a high-grade neuroendocrine carcinoma that progresses during
 * or after platinum–etoposide (given after its diagnosis). The card lists the options after first line for the site,
 * computes the platinum-free interval (re-challenge when ≥ 3 months, ENETS; ≥ 6 months for small cell lung cancer),
 * adds biomarker-led options from the record and links a ClinicalTrials.gov search.
 */

/** Platinum-free interval for a re-challenge in small cell lung cancer (rules.md §4; NCCN Small Cell Lung Cancer). */
const SCLC_RECHALLENGE_MONTHS = 6;

const day = (date: string | undefined) => date?.slice(0, 10) ?? 'an unknown date';

/** Whole calendar months from a date to the hook's time. */
export function wholeMonthsSince(from: string, now: Date): number {
  const start = new Date(from);
  const months = (now.getUTCFullYear() - start.getUTCFullYear()) * 12 + (now.getUTCMonth() - start.getUTCMonth());
  return now.getUTCDate() < start.getUTCDate() ? months - 1 : months;
}

function biomarkerOptions(biomarkers: Biomarkers, ctx: HookContext, facts: CitedFact[]): string {
  const lines: string[] = [];
  const notTested: string[] = [];
  const { brafV600E, msiHighOrDmmr, tmb } = biomarkers;
  if (isKnown(brafV600E)) {
    facts.push({ label: 'BRAF V600E', value: brafV600E.value, ...(brafV600E.date ? { date: brafV600E.date } : {}), sources: brafV600E.sources });
    if (brafV600E.value === 'positive') lines.push(`- BRAF V600E detected (${day(brafV600E.date)}): BRAF + MEK inhibition.`);
  } else notTested.push('BRAF V600E');
  const msiHigh = isKnown(msiHighOrDmmr) && msiHighOrDmmr.value === 'positive';
  const tmbHigh = isKnown(tmb) && tmb.value >= ctx.settings.tmbHighPerMb;
  if (isKnown(msiHighOrDmmr))
    facts.push({
      label: 'MSI-high / mismatch repair deficiency',
      value: msiHighOrDmmr.value,
      ...(msiHighOrDmmr.date ? { date: msiHighOrDmmr.date } : {}),
      sources: msiHighOrDmmr.sources,
    });
  else notTested.push('microsatellite instability / mismatch repair');
  if (isKnown(tmb))
    facts.push({ label: 'Tumour mutational burden', value: `${tmb.value} mutations/Mb`, ...(tmb.date ? { date: tmb.date } : {}), sources: tmb.sources });
  else notTested.push('tumour mutational burden');
  if (msiHigh || tmbHigh) {
    const why = [
      msiHigh ? 'MSI-high / mismatch repair deficient' : undefined,
      tmbHigh ? `tumour mutational burden ${isKnown(tmb) ? tmb.value : ''} mutations/Mb (${ctx.settings.tmbHighPerMb} or more)` : undefined,
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(`- ${why}: pembrolizumab.`);
  }
  if (lines.length === 0) lines.push('- No actionable biomarker on record.');
  if (notTested.length > 0) lines.push(`- Not on record: ${notTested.join(', ')} — consider tumour genomic profiling.`);
  return lines.join('\n');
}

export const secondLineOptions: Rule = {
  id: 'second-line-options',
  hooks: ['patient-view'],
  priority: 40,
  placeholders: ['interval', 'biomarkers', 'condition'],
  evaluate(picture, ctx) {
    if (ctx.hook !== 'patient-view' || picture.nen.nenClass !== 'NEC') return null;
    const regimen = platinumEtoposide(picture, ctx.settings.regimenWindowDays, picture.nen.date);
    if (regimen.past.length === 0 || !regimen.lastGiven) return null;
    const status = picture.diseaseStatus;
    if (!isKnown(status) || status.value !== 'progressing' || !status.date) return null;
    const courseStart = regimen.past
      .map((t) => t.date ?? t.lastDate)
      .filter((d): d is string => Boolean(d))
      .sort()[0];
    if (!courseStart || Date.parse(status.date) < Date.parse(courseStart)) return null;

    const site = necSite(picture);
    const facts: CitedFact[] = [
      {
        label: 'Neuroendocrine class',
        value: `high-grade neuroendocrine carcinoma: ${picture.nen.basis}`,
        ...(picture.nen.date ? { date: picture.nen.date } : {}),
        sources: picture.nen.sources,
      },
      ...regimen.past.map((t) => ({
        label: 'Platinum–etoposide',
        value: `${t.asRecorded} (${t.status === 'current' ? 'current' : `last given ${day(t.lastDate ?? t.date)}`})`,
        ...(t.date ? { date: t.date } : {}),
        sources: t.sources,
      })),
      { label: 'Disease status', value: 'progressing', date: status.date, sources: status.sources },
    ];

    const threshold = site.kind === 'lung' && site.smallCell ? SCLC_RECHALLENGE_MONTHS : ctx.settings.platinumRechallengeMonths;
    const thresholdSource = site.kind === 'lung' && site.smallCell ? 'small cell lung cancer' : 'ENETS';
    const onPlatinum = regimen.past.some((t) => t.status === 'current' && t.classes.includes('PLATINUM'));
    let interval: string;
    if (onPlatinum) {
      interval = `**Platinum-free interval:** none — platinum is still current, so progression is on treatment (platinum-refractory): a platinum re-challenge is not an option.`;
    } else {
      const months = wholeMonthsSince(regimen.lastGiven, ctx.now);
      interval =
        months >= threshold
          ? `**Platinum-free interval: ${months} months** (last platinum–etoposide ${day(regimen.lastGiven)}): ${threshold} months or more (${thresholdSource}), so a **platinum–etoposide re-challenge is an option**.`
          : `**Platinum-free interval: ${months} months** (last platinum–etoposide ${day(regimen.lastGiven)}): under ${threshold} months (${thresholdSource}), so a platinum re-challenge is not advised; choose a different regimen.`;
    }

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'info',
      variant: site.kind,
      values: { interval, biomarkers: biomarkerOptions(picture.biomarkers, ctx, facts), condition: site.condition },
      facts,
      suggestions: [],
      links: [clinicalTrialsLink(site.condition)],
    };
    return rec;
  },
};
