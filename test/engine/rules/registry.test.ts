import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rules } from '../../../src/engine/rules/index.js';

/** The rule ids are a contract (rules.md §4; cards carry them in source.topic): every one, exactly once. */
const CATALOGUE = readFileSync(new URL('../../../../shared/spec/rules.md', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => /^\| `([a-z0-9-]+)` \|/.exec(line)?.[1])
  .filter((id): id is string => id !== undefined);

describe('rule registry', () => {
  it('holds every rule of rules.md §4 under its exact id, once', () => {
    expect(CATALOGUE).toHaveLength(24);
    expect(rules.map((r) => r.id).sort()).toEqual([...CATALOGUE].sort());
  });

  it('each rule runs on the hooks rules.md gives it', () => {
    const HOOKS: Record<string, string> = { PV: 'patient-view', OS: 'order-select', OSG: 'order-sign' };
    const table = readFileSync(new URL('../../../../shared/spec/rules.md', import.meta.url), 'utf8');
    for (const rule of rules) {
      const row = table.split('\n').find((l) => l.startsWith(`| \`${rule.id}\` |`))!;
      const hooks = row.split('|')[2]!.split(',').map((h) => HOOKS[h.trim()]).sort();
      expect([...rule.hooks].sort(), rule.id).toEqual(hooks);
    }
  });
});
