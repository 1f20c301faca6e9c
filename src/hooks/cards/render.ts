import type { CitedFact, Recommendation } from '../../engine/recommendation.js';
import { toCdsAction, type ActionContext, type CdsAction } from './actions.js';
import { fill, type CardTemplate } from './templates.js';

const RULE_TOPIC_SYSTEM = 'urn:nec-cds:rule';
export const OVERRIDE_REASON_SYSTEM = 'urn:nec-cds:override-reason';

interface Coding {
  system: string;
  code: string;
  display?: string;
}

interface Suggestion {
  label: string;
  uuid: string;
  isRecommended?: boolean;
  actions: CdsAction[];
}

/** A CDS Hooks 2.0 card; optional fields are omitted, never empty. */
export interface Card {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic: Coding };
  suggestions?: Suggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: Required<Coding>[];
  links?: { label: string; url: string; type: 'absolute' | 'smart' }[];
}

/** One line per fact: value, date, and the resource it came from. */
function formatFacts(facts: readonly CitedFact[]): string {
  return facts.map((f) => `- ${f.label}: ${f.value}${f.date ? ` — ${f.date.slice(0, 10)}` : ''} (${f.sources.join(', ')})`).join('\n');
}

/** A placeholder filled with nothing leaves blank lines behind: at most one blank line between paragraphs. */
function tidyDetail(text: string): string {
  return text.replace(/\n{3,}/g, '\n\n').trim();
}

/** CDS Hooks: summary is one sentence under 140 characters. A longer one is cut at a word, never mid-word. */
/** Text that opens with a drug as recorded ("axitinib 5 mg tablet is …") still starts a sentence with a capital. */
function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function clampSummary(raw: string): string {
  const text = sentenceCase(raw);
  if (text.length < 140) return text;
  return `${text.slice(0, 137).replace(/\s+\S*$/, '')}…`;
}

/**
 * Renders a recommendation into a card, with its text from the rule's template.
 * @param rec - the engine's recommendation
 * @param template - `cards/<rule id>.md`
 * @param actions - resources, drafts, patient and terminology, for the suggestions' FHIR actions
 * @param newId - uuid source (injected so tests are deterministic)
 */
export function renderCard(rec: Recommendation, template: CardTemplate, actions: ActionContext, newId: () => string): Card {
  const summaryText = template.summary[rec.variant];
  if (!summaryText) throw new Error(`${template.file}: no summary for variant "${rec.variant}"`);
  const values: Record<string, string> = { ...rec.values, facts: formatFacts(rec.facts) };
  const summary = clampSummary(fill(summaryText, values, template.file));
  const lead = template.lead?.[rec.variant];
  values.lead = lead ? sentenceCase(fill(lead, values, template.file)) : '';

  const card: Card = {
    uuid: newId(),
    summary,
    detail: tidyDetail(fill(template.detail, values, template.file)),
    indicator: rec.indicator,
    source: {
      label: template.source.label,
      ...(template.source.url ? { url: template.source.url } : {}),
      topic: { system: RULE_TOPIC_SYSTEM, code: rec.ruleId },
    },
  };
  const suggestions = rec.suggestions.flatMap((spec): Suggestion[] => {
    const label = template.suggestions?.[spec.labelKey];
    if (!label) throw new Error(`${template.file}: no suggestion label "${spec.labelKey}"`);
    const cdsActions = spec.actions.map((a) => toCdsAction(a, actions)).filter((a): a is CdsAction => a !== undefined);
    if (cdsActions.length === 0) return [];
    return [
      {
        label: fill(label, values, template.file),
        uuid: newId(),
        ...(spec.isRecommended !== undefined ? { isRecommended: spec.isRecommended } : {}),
        actions: cdsActions,
      },
    ];
  });
  if (suggestions.length > 0) {
    card.suggestions = suggestions;
    card.selectionBehavior = rec.selectionBehavior ?? 'at-most-one';
  }
  if (rec.links?.length) card.links = rec.links.map((l) => ({ label: l.label, url: l.url, type: 'absolute' as const }));
  if (template.overrideReasons?.length) {
    card.overrideReasons = template.overrideReasons.map((r) => ({ system: OVERRIDE_REASON_SYSTEM, code: r.code, display: r.display }));
  }
  return card;
}
