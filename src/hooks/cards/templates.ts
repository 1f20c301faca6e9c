import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Rule } from '../../engine/recommendation.js';

/**
 * Card text lives in `cards/<rule-id>.md` (front matter + markdown detail) so a clinical reviewer can edit it
 * without reading TypeScript. Loaded and checked once at start-up: a bad template stops the service, naming
 * the file.
 */

const frontMatterSchema = z.strictObject({
  rule: z.string().min(1),
  source: z.strictObject({ label: z.string().min(1), url: z.url().optional() }),
  summary: z.record(z.string(), z.string().min(1)),
  lead: z.record(z.string(), z.string().min(1)).optional(),
  suggestions: z.record(z.string(), z.string().min(1)).optional(),
  overrideReasons: z.array(z.strictObject({ code: z.string().min(1), display: z.string().min(1) })).optional(),
});

export type CardTemplate = z.infer<typeof frontMatterSchema> & { detail: string; file: string };

/** Placeholders every template may use besides the rule's own: the cited facts and the variant's lead. */
const BUILT_IN = new Set(['facts', 'lead']);

/** `{{name}}` in a template text. */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/;

function placeholdersIn(text: string): string[] {
  return [...text.matchAll(new RegExp(PLACEHOLDER, 'g'))].map((m) => m[1] as string);
}

/**
 * Parses one card template file.
 * @param file - a name for messages
 * @param text - file content
 */
export function parseCardTemplate(file: string, text: string): CardTemplate {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file}: missing front matter (--- … ---)`);
  const parsed = frontMatterSchema.safeParse(parseYaml(match[1] as string));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { ...parsed.data, detail: (match[2] as string).trim(), file };
}

/**
 * Loads `cards/*.md` and checks them against the rules: every rule has a card, every placeholder is one the
 * rule fills, every variant has a summary.
 * @param dir - the cards folder
 * @param rules - the rule registry
 */
export function loadCardTemplates(dir: string, rules: readonly Rule[]): Map<string, CardTemplate> {
  const templates = new Map<string, CardTemplate>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    const template = parseCardTemplate(`cards/${name}`, readFileSync(join(dir, name), 'utf8'));
    if (template.rule !== basename(name, '.md')) throw new Error(`cards/${name}: front matter says rule "${template.rule}"`);
    templates.set(template.rule, template);
  }
  for (const rule of rules) {
    const template = templates.get(rule.id);
    if (!template) throw new Error(`cards/${rule.id}.md is missing: every rule needs a card template`);
    const allowed = new Set([...rule.placeholders, ...BUILT_IN]);
    const texts = [template.detail, ...Object.values(template.summary), ...Object.values(template.lead ?? {}), ...Object.values(template.suggestions ?? {})];
    const unknown = texts.flatMap(placeholdersIn).filter((p) => !allowed.has(p));
    if (unknown.length > 0) throw new Error(`${template.file}: unknown placeholder(s) ${[...new Set(unknown)].map((p) => `{{${p}}}`).join(', ')}`);
  }
  return templates;
}

/** Template texts split at their placeholders, once: [text, name, text, name, …, text]. */
const splitTexts = new Map<string, readonly string[]>();
const MAX_SPLIT_TEXTS = 5000;

function partsOf(text: string): readonly string[] {
  let parts = splitTexts.get(text);
  if (!parts) {
    parts = text.split(new RegExp(PLACEHOLDER, 'g'));
    if (splitTexts.size < MAX_SPLIT_TEXTS) splitTexts.set(text, parts);
  }
  return parts;
}

/**
 * Fills `{{name}}` placeholders.
 * @throws when a value is missing: a card never shows an empty gap
 */
export function fill(text: string, values: Readonly<Record<string, string>>, file: string): string {
  const parts = partsOf(text);
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as string;
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: no value for {{${name}}}`);
    out += value + (parts[i + 1] ?? '');
  }
  return out;
}
