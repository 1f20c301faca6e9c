import { classifyNepc, nepcFacts } from '../classify/nepc.js';
import type { LabFact, Maybe } from '../picture.js';
import { isKnown } from '../picture.js';
import type { CitedFact, Recommendation, Rule, SuggestionSpec } from '../recommendation.js';
import { ageInDays } from '../staleness.js';

/**
 * rules.md §4 `psa-unreliable-nepc` (seed 000: "PSA is unreliable for monitoring response in small cell/neuroendocrine
 * prostate cancer … Use CT imaging of chest/abdomen/pelvis every 2-3 cycles to assess response by RECIST 1.1").
 * Chart open: information whenever the patient has small cell / neuroendocrine prostate cancer. Order entry: only when
 * a PSA test is being ordered; then a CT chest/abdomen/pelvis is proposed (a draft) when none is on record or ordered
 * within `settings.recentImagingWeeks`. The PSA order is never removed: it still tracks any adenocarcinoma.
 */

const CT = 'ct-chest-abdomen-pelvis';

function markerFact(label: string, marker: Maybe<number, LabFact>): CitedFact[] {
  if (!isKnown(marker)) return [];
  const bound = marker.comparator ? `${marker.comparator} ` : '';
  const range =
    marker.referenceHigh !== undefined ? ` (upper limit ${marker.referenceHigh} ${marker.unit}${marker.value > marker.referenceHigh ? ': raised' : ''})` : '';
  return [{ label, value: `${bound}${marker.value} ${marker.unit}${range}`, date: marker.date, sources: marker.sources }];
}

export const psaUnreliableNepc: Rule = {
  id: 'psa-unreliable-nepc',
  hooks: ['patient-view', 'order-select', 'order-sign'],
  priority: 50,
  placeholders: ['ctStatus', 'markerNote'],
  evaluate(picture, ctx) {
    const nepc = classifyNepc(picture);
    if (nepc.status !== 'nepc') return null;

    const psaDrafts = ctx.hook === 'patient-view' ? [] : picture.draftOrders.filter((d) => d.inScope && d.procedure === 'psa-test-order');
    if (ctx.hook !== 'patient-view' && psaDrafts.length === 0) return null;

    const facts: CitedFact[] = [...nepcFacts(nepc)];
    const latestPsa = picture.psa[0];
    if (latestPsa) {
      facts.push({
        label: 'Latest PSA',
        value: `${latestPsa.comparator ? `${latestPsa.comparator} ` : ''}${latestPsa.value} ${latestPsa.unit}`,
        date: latestPsa.date,
        sources: latestPsa.sources,
      });
    }
    facts.push(...psaDrafts.map((d) => ({ label: 'PSA test being ordered', value: d.asRecorded, sources: [d.ref] })));

    // Imaging: a CT chest/abdomen/pelvis on record (done or ordered) within the window, or one already in the drafts.
    const windowDays = ctx.settings.recentImagingWeeks * 7;
    const cts = picture.procedures
      .filter((p) => p.procedure === CT)
      .map((p) => ({ p, age: ageInDays(p, ctx.now) }))
      .sort((a, b) => (a.age ?? Number.POSITIVE_INFINITY) - (b.age ?? Number.POSITIVE_INFINITY));
    const recentCt = cts.find((c) => c.age !== undefined && c.age <= windowDays);
    const ctDraft = picture.draftOrders.find((d) => d.procedure === CT);
    let ctStatus: string;
    if (ctDraft) {
      ctStatus = `A CT chest, abdomen and pelvis is among the orders being placed (${ctDraft.asRecorded}).`;
      facts.push({ label: 'CT chest, abdomen and pelvis being ordered', value: ctDraft.asRecorded, sources: [ctDraft.ref] });
    } else if (recentCt) {
      ctStatus = `CT chest, abdomen and pelvis ${recentCt.p.status} on ${recentCt.p.date?.slice(0, 10)} (${recentCt.age} days ago, within ${ctx.settings.recentImagingWeeks} weeks).`;
      facts.push({
        label: `CT chest, abdomen and pelvis (${recentCt.p.status})`,
        value: recentCt.p.display,
        date: recentCt.p.date,
        sources: recentCt.p.sources,
      });
    } else if (cts[0]) {
      const last = cts[0];
      ctStatus =
        last.age === undefined
          ? `A CT chest, abdomen and pelvis is on record without a date: it cannot be counted as recent.`
          : `The last CT chest, abdomen and pelvis was ${last.p.status} on ${last.p.date?.slice(0, 10)}, ${last.age} days ago (more than ${ctx.settings.recentImagingWeeks} weeks).`;
      facts.push({ label: `Last CT chest, abdomen and pelvis (${last.p.status})`, value: last.p.display, date: last.p.date, sources: last.p.sources });
    } else {
      ctStatus = 'No CT chest, abdomen and pelvis is on record.';
    }

    const markers = [...markerFact('Neuron-specific enolase', picture.markers.nse), ...markerFact('Chromogranin A', picture.markers.chromograninA)];
    facts.push(...markers);
    const markerNote =
      markers.length > 0
        ? 'Neuron-specific enolase and chromogranin A (on record above) can be followed when raised at baseline; chromogranin A is falsely raised by proton-pump inhibitors and renal impairment.'
        : 'No neuron-specific enolase or chromogranin A is on record: a baseline value lets them be followed if raised (chromogranin A is falsely raised by proton-pump inhibitors and renal impairment).';

    const suggestions: SuggestionSpec[] =
      ctx.hook !== 'patient-view' && !ctDraft && !recentCt
        ? [
            {
              labelKey: 'add-ct',
              isRecommended: true,
              actions: [
                {
                  kind: 'propose-service',
                  order: {
                    procedure: CT,
                    text: 'CT chest, abdomen and pelvis (RECIST 1.1 response assessment)',
                    category: 'imaging',
                    reason: 'Small cell / neuroendocrine prostate cancer: PSA is unreliable for response assessment',
                    note: `${ctStatus} Repeat every 2–3 chemotherapy cycles.`,
                  },
                },
              ],
            },
          ]
        : [];

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'info',
      variant: nepc.mixed ? 'mixed' : 'pure',
      values: { ctStatus, markerNote },
      facts,
      suggestions,
    };
    return rec;
  },
};
