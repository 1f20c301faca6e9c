import type { HookContext, HookName, PatientPicture } from './picture.js';

export type Indicator = 'info' | 'warning' | 'critical';

/** A patient fact a card cites: value and date, and the resource it came from. */
export interface CitedFact {
  label: string;
  value: string;
  date?: string;
  sources: string[];
}

/**
 * What a suggestion should do, in clinical terms. The hooks layer turns it into FHIR actions
 * (the engine knows no FHIR JSON).
 */
export type ProposedAction =
  /** Stop a current therapy: update its request to `stopped` with the reason. */
  | { kind: 'stop-therapy'; ref: string; reason: string }
  /** Remove an unsigned order from the draft set. */
  | { kind: 'remove-draft'; ref: string }
  /** Propose a new medication order (created as a draft, intent proposal: the clinician verifies and signs). */
  | { kind: 'propose-medication'; order: MedicationProposal }
  /** Propose a test, procedure or referral (a draft ServiceRequest, intent proposal). */
  | { kind: 'propose-service'; order: ServiceProposal }
  /** Change the dose of a draft order in the hook's context to the computed one. */
  | { kind: 'set-draft-dose'; ref: string; dose: Dose; reason: string };

export interface Dose {
  value: number;
  /** UCUM: `mg`, `mg/m2`. */
  unit: string;
}

export interface MedicationProposal {
  /** Terminology concept id (`carboplatin`); the hooks layer codes it (RxNorm ingredient). */
  drug: string;
  dose: Dose;
  route: 'intravenous' | 'oral' | 'subcutaneous' | 'intramuscular';
  /** How it is given, as a clinician writes it ("day 1 of each 21-day cycle"). */
  schedule: string;
  /** Days of the cycle on which it is given, and the cycle length (for `timing`). */
  cycle?: { days: number[]; lengthDays: number };
  /** The computed inputs, said on the order ("AUC 5 × (GFR 65 + 25) = 450 mg; BSA 1.96 m² on 2026-11-18"). */
  note: string;
}

export interface ServiceProposal {
  /** Terminology concept id (`liver-biopsy`, `ct-chest-abdomen-pelvis`), or undefined for a text-only order. */
  procedure?: string;
  /** What to order, as a clinician reads it (also the code text). */
  text: string;
  category: 'laboratory' | 'imaging' | 'procedure' | 'pathology' | 'genetics';
  reason: string;
  note?: string;
}

/** A link the card offers (an absolute URL: ClinicalTrials.gov search, a guideline page). */
export interface LinkSpec {
  label: string;
  url: string;
}

export interface SuggestionSpec {
  /** Key of the label in the card template's `suggestions`. */
  labelKey: string;
  actions: ProposedAction[];
  isRecommended?: boolean;
}

export interface Recommendation {
  ruleId: string;
  indicator: Indicator;
  /** Which of the card template's variants to render (e.g. `pure` or `mixed`). */
  variant: string;
  /** Values for the card template's `{{placeholders}}`. */
  values: Record<string, string>;
  facts: CitedFact[];
  suggestions: SuggestionSpec[];
  /** Several suggestions of which the clinician picks one (`at-most-one`, the default) or any. */
  selectionBehavior?: 'at-most-one' | 'any';
  links?: LinkSpec[];
}

export interface Rule {
  id: string;
  hooks: readonly HookName[];
  /** Higher runs first; ties keep registry order. */
  priority: number;
  /** Names the rule may fill in its card template; checked against `cards/<id>.md` at start-up. */
  placeholders: readonly string[];
  /** At most one recommendation per rule, patient and call. */
  evaluate(picture: PatientPicture, ctx: HookContext): Recommendation | null;
}
