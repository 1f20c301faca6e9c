import { readFileSync } from 'node:fs';
import type { Resource } from 'fhir/r4.js';
import type { Recommendation } from '../../src/engine/recommendation.js';
import { loadTerminology } from '../../src/fhir/terminology.js';
import type { CdsAction } from '../../src/hooks/cards/actions.js';
import { renderCard, type Card } from '../../src/hooks/cards/render.js';
import { parseCardTemplate } from '../../src/hooks/cards/templates.js';
import { projectPath } from '../../src/paths.js';
import { validateR4 } from './fhir-validation.js';

const terminology = loadTerminology();
let n = 0;

/**
 * Renders a recommendation with its real card template (`cards/<rule id>.md`), as the service would, and checks
 * what every card must satisfy (rules.md §5): summary under 140 characters with no placeholder left, every
 * created or updated resource valid FHIR R4, override reasons on every card that stops or removes something.
 * @param rec - the rule's recommendation
 * @param resources - resources the suggestions act on (the current request to stop, the draft to change), by `Type/id`
 */
export function renderRecommendation(rec: Recommendation, resources: Record<string, Resource> = {}): Card {
  const file = `cards/${rec.ruleId}.md`;
  const template = parseCardTemplate(file, readFileSync(projectPath(file), 'utf8'));
  const card = renderCard(
    rec,
    template,
    { lookup: (ref) => resources[ref], patientRef: 'Patient/p1', terminology },
    () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  );
  if (card.summary.length >= 140) throw new Error(`${file}: summary has ${card.summary.length} characters: ${card.summary}`);
  if (/\{\{|\}\}/.test(`${card.summary}${card.detail ?? ''}`)) throw new Error(`${file}: a placeholder was left unfilled`);
  const actions: CdsAction[] = (card.suggestions ?? []).flatMap((s) => s.actions);
  for (const action of actions) if (action.type !== 'delete') validateR4(action.resource);
  const stopsSomething = rec.suggestions.some((s) => s.actions.some((a) => a.kind === 'stop-therapy' || a.kind === 'remove-draft'));
  if (stopsSomething && !card.overrideReasons?.length) throw new Error(`${file}: a card that stops or removes something needs overrideReasons`);
  return card;
}
