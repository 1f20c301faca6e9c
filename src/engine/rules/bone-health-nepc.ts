import { joinNames } from '../format.js';
import { isKnown } from '../picture.js';
import type { CitedFact, Recommendation, Rule } from '../recommendation.js';
import { ageInDays, describeDated } from '../staleness.js';

/**
 * rules.md §4 `bone-health-nepc` (seed 001: bone-strengthening medication for metastatic bone disease; CALGB 90202
 * for the castration-resistant restriction). Chart open: castration-resistant prostate cancer with bone metastases
 * and no bone-targeted agent (zoledronic acid, denosumab, pamidronate): information on preventing skeletal events.
 * The zoledronic acid dose band is read from the labelled creatinine clearance table when a recent clearance exists.
 */

/**
 * Bone agents are given every 4 weeks (denosumab, zoledronic acid) or every 12 weeks (zoledronic acid, CALGB 70604),
 * usually recorded as administrations that the picture marks `past` once given. One given within 12 weeks plus the
 * 14-day depot grace of rules.md §1 still counts as current. Not a setting in RuleSettings (see the report).
 */
const BONE_AGENT_RECENT_DAYS = 84 + 14;

/** Zoledronic acid (Zometa) labelled dose by Cockcroft–Gault creatinine clearance, mL/min. */
function zoledronicDose(crcl: number): string {
  if (crcl > 60) return 'zoledronic acid 4 mg (no reduction above 60 mL/min)';
  if (crcl >= 50) return 'zoledronic acid 3.5 mg (labelled reduction for 50–60 mL/min)';
  if (crcl >= 40) return 'zoledronic acid 3.3 mg (labelled reduction for 40–49 mL/min)';
  if (crcl >= 30) return 'zoledronic acid 3.0 mg (labelled reduction for 30–39 mL/min)';
  return 'zoledronic acid is not recommended below 30 mL/min; denosumab needs close calcium monitoring in severe renal impairment (hypocalcaemia)';
}

export const boneHealthNepc: Rule = {
  id: 'bone-health-nepc',
  hooks: ['patient-view'],
  priority: 40,
  placeholders: ['renalNote'],
  evaluate(picture, ctx) {
    const prostate = picture.cancers.find((c) => c.primarySite === 'prostate');
    if (!prostate) return null;
    const crpc = picture.castrationResistant;
    if (!isKnown(crpc) || !crpc.value) return null;
    const bone = picture.metastases.filter((m) => m.site === 'bone');
    if (bone.length === 0) return null;

    const boneAgents = picture.therapies.filter((t) => t.classes.includes('BONE'));
    const recent = boneAgents.filter((t) => {
      if (t.status === 'current') return true;
      const age = ageInDays({ date: t.lastDate ?? t.date }, ctx.now);
      return age !== undefined && age <= BONE_AGENT_RECENT_DAYS;
    });
    if (recent.length > 0) return null;

    const facts: CitedFact[] = [
      { label: 'Prostate cancer', value: prostate.display, date: prostate.date, sources: prostate.sources },
      { label: 'Castration-resistant', value: crpc.basis, date: crpc.date, sources: crpc.sources },
      ...bone.map((m) => ({ label: 'Bone metastasis', value: m.display, date: m.date, sources: m.sources })),
      ...boneAgents.map((t) => ({ label: 'Earlier bone-targeted agent (not current)', value: t.asRecorded, date: t.lastDate ?? t.date, sources: t.sources })),
    ];

    const { crcl } = picture.renal;
    let renalNote: string;
    if (!isKnown(crcl)) {
      renalNote = `No creatinine clearance: ${crcl.reason}. Measure creatinine (and calcium) before choosing and dosing a bone-targeted agent.`;
    } else {
      const dated = describeDated(`${Math.round(crcl.value)} mL/min`, crcl, ctx.now, ctx.settings.inputMaxAgeDays);
      facts.push({
        label: 'Creatinine clearance (Cockcroft–Gault)',
        value: `${Math.round(crcl.value)} mL/min: ${crcl.formula}`,
        date: crcl.date,
        sources: crcl.sources,
      });
      const stale = (ageInDays(crcl, ctx.now) ?? Number.POSITIVE_INFINITY) > ctx.settings.inputMaxAgeDays;
      renalNote = stale
        ? `Creatinine clearance ${dated}: recheck creatinine (and calcium) before dosing; no dose band is read from an old value.`
        : `Creatinine clearance ${dated}: ${zoledronicDose(crcl.value)}.`;
    }

    const rec: Recommendation = {
      ruleId: this.id,
      indicator: 'info',
      variant: 'crpc',
      values: {
        renalNote:
          boneAgents.length > 0
            ? `${renalNote} Earlier ${joinNames(boneAgents.map((t) => t.drug.replace(/-/g, ' ')))} is on record but not current.`
            : renalNote,
      },
      facts,
      suggestions: [],
    };
    return rec;
  },
};
