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
  | { kind: 'remove-draft'; ref: string };

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
