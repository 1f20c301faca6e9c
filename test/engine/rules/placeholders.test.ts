import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rules } from '../../../src/engine/rules/index.js';
import { projectPath } from '../../../src/paths.js';

/** Placeholders every template may use besides the rule's own (src/hooks/cards/templates.ts). */
const BUILT_IN = new Set(['facts', 'lead']);

function templatePlaceholders(ruleId: string): string[] {
  const text = readFileSync(projectPath('cards', `${ruleId}.md`), 'utf8');
  return [...new Set([...text.matchAll(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g)].map((m) => m[1]!))].filter((p) => !BUILT_IN.has(p)).sort();
}

/**
 * A rule declares exactly the placeholders its card template uses: one it declares but the card never shows is a
 * value computed for nothing (or a card line lost); one the card uses but the rule does not declare is refused at start.
 */
describe('rule placeholders match the card templates', () => {
  it.each(rules.map((rule) => [rule.id, rule] as const))('%s', (_id, rule) => {
    expect([...rule.placeholders].sort()).toEqual(templatePlaceholders(rule.id));
    expect(new Set(rule.placeholders).size).toBe(rule.placeholders.length);
  });
});
