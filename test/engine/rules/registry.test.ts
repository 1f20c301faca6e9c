import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rules } from '../../../src/engine/rules/index.js';

/** `shared/spec/rules.md` beside the nearest ancestor holding it: the project's sibling, also from a Stryker sandbox. */
function findSpec(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'spec', 'rules.md');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('shared/spec/rules.md not found above the test');
}

const SPEC = readFileSync(findSpec(), 'utf8');

/** The rule ids are a contract (rules.md §4; cards carry them in source.topic): every one, exactly once. */
const CATALOGUE = SPEC.split('\n')
  .map((line) => /^\| `([a-z0-9-]+)` \|/.exec(line)?.[1])
  .filter((id): id is string => id !== undefined);

describe('rule registry', () => {
  it('holds every rule of rules.md §4 under its exact id, once', () => {
    expect(CATALOGUE).toHaveLength(24);
    expect(rules.map((r) => r.id).sort()).toEqual([...CATALOGUE].sort());
  });

  it('each rule runs on the hooks rules.md gives it', () => {
    const HOOKS: Record<string, string> = { PV: 'patient-view', OS: 'order-select', OSG: 'order-sign' };
    for (const rule of rules) {
      const row = SPEC.split('\n').find((l) => l.startsWith(`| \`${rule.id}\` |`))!;
      const hooks = row
        .split('|')[2]!
        .split(',')
        .map((h) => HOOKS[h.trim()])
        .sort();
      expect([...rule.hooks].sort(), rule.id).toEqual(hooks);
    }
  });
});
