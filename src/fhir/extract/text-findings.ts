import type { HistologyClass } from '../../engine/picture.js';

/**
 * Reads histology from free text (pathology conclusions, notes) the conservative way: a phrase counts only
 * when it is asserted. Negated ("no small cell component"), uncertain ("cannot exclude", "suspicious for")
 * and look-alike phrases ("non-small cell", "neuroendocrine differentiation", "small round blue cell tumour")
 * are not findings (rules.md §2).
 */

export interface TextFinding {
  histologyClass: HistologyClass;
  /** The sentence the finding was read from, trimmed, for the card. */
  sentence: string;
  /** The same text reports an adenocarcinoma component or combined small cell carcinoma. */
  mixed: boolean;
}

const PATTERNS: { histologyClass: HistologyClass; re: RegExp }[] = [
  { histologyClass: 'large-cell-nec', re: /\blarge[-\s]cell\s+neuroendocrine\s+carcinoma\b|\bLCNEC\b/i },
  {
    histologyClass: 'small-cell',
    re: /(?<!\bnon[-\s]?)\bsmall[-\s]cell\s+(?:neuroendocrine\s+)?(?:carcinoma|ca|cancer|component|transformation|histology|variant|morphology)\b|\boat[-\s]cell\s+carcinoma\b/i,
  },
  {
    histologyClass: 'net-well-differentiated',
    re: /\bwell[-\s]differentiated\s+neuroendocrine\s+(?:tumou?r|neoplasm|carcinoma)\b|\bcarcinoid(?:\s+tumou?r)?\b/i,
  },
  {
    histologyClass: 'nec-poorly-differentiated',
    re: /(?<!well[-\s]differentiated\s+)\bneuroendocrine\s+carcinoma\b|\b(?:poorly[-\s]differentiated|high[-\s]grade)\s+neuroendocrine\s+(?:carcinoma|neoplasm)\b/i,
  },
];

/** Words before a phrase, in the same clause, that deny it or leave it in doubt. */
const PRE_CUES =
  /\b(?:no|not|without|negative\s+for|free\s+of|absence\s+of|rule\s+out|r\/o|exclude|excluding|cannot\s+(?:be\s+)?(?:entirely\s+)?exclude[ds]?|can\s?not\s+(?:entirely\s+)?exclude|possible|possibly|probable|probably|questionable|suspicious\s+(?:for|of)|suggestive\s+of|concerning\s+for|differential|versus|vs|favou?rs?|favou?red|may\s+represent|could\s+represent|rather\s+than|instead\s+of|unlikely)\b|\?/i;

/** Words right after a phrase that deny it or leave it in doubt ("small cell carcinoma is not identified"). */
const POST_CUES =
  /^\s*[:\-–]?\s*(?:is|was|were|are|has\s+been)?\s*(?:not\s+(?:seen|identified|present|found|detected|favou?red|excluded)|absent|excluded|ruled\s+out|negative|cannot\s+be\s+(?:entirely\s+)?excluded|can\s?not\s+be\s+(?:entirely\s+)?excluded|unlikely|\?)/i;

/** Where a negation stops carrying: a colon, or a contrast ("but", "however"). */
const SCOPE_BREAK = /:|\bbut\b|\bhowever\b|\balthough\b|\bexcept\b/gi;

/**
 * The text after the last scope break (what `text.replace(/.*(?:…)/is, '')` gives), in one pass: that regular
 * expression retried its `.*` from every position of a clause without a break, so a long clause cost its length
 * squared (a 20,000-character clause took 0.3 s).
 */
export function afterLastScopeBreak(text: string): string {
  let end = -1;
  SCOPE_BREAK.lastIndex = 0;
  for (let m = SCOPE_BREAK.exec(text); m !== null; m = SCOPE_BREAK.exec(text)) end = m.index + m[0].length;
  return end < 0 ? text : text.slice(end);
}

const MIXED =
  /\b(?:adenocarcinoma(?:tous)?\s+component|component\s+of\s+(?:acinar\s+)?adenocarcinoma|combined\s+small[-\s]cell|admixed\s+(?:with\s+)?(?:acinar\s+)?adenocarcinoma|mixed\s+(?:small[-\s]cell|neuroendocrine)[\w\s-]*?\s+and\s+(?:acinar\s+)?adenocarcinoma|mixed\s+adenocarcinoma\s+and\s+(?:small[-\s]cell|neuroendocrine))\b/i;

/** Sentences and clauses: split on `.`, `;` and line breaks, but not inside decimals ("3.5 cm"). */
function clauses(text: string): string[] {
  return text
    .split(/(?<!\d)[.;](?!\d)|\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function asserted(clause: string, match: RegExpExecArray): boolean {
  const before = afterLastScopeBreak(clause.slice(0, match.index));
  const after = clause.slice(match.index + match[0].length);
  return !PRE_CUES.test(before) && !POST_CUES.test(after);
}

function mixedIn(clause: string): boolean {
  const m = MIXED.exec(clause);
  return m !== null && asserted(clause, m);
}

/**
 * Finds asserted neuroendocrine histology in free text.
 * @param text - a pathology conclusion, report text or note
 * @returns one finding per class (the first asserted sentence), in order of the classes' first appearance
 */
export function readHistologyText(text: string): TextFinding[] {
  const all = clauses(text);
  const mixed = all.some(mixedIn);
  const found = new Map<HistologyClass, TextFinding>();
  for (const clause of all) {
    const inClause = new Set<HistologyClass>();
    for (const { histologyClass, re } of PATTERNS) {
      const m = re.exec(clause);
      if (!m || !asserted(clause, m)) continue;
      inClause.add(histologyClass);
      // "small cell neuroendocrine carcinoma" is one finding, not also an NEC NOS.
      if (histologyClass === 'nec-poorly-differentiated' && (inClause.has('small-cell') || inClause.has('large-cell-nec'))) continue;
      if (!found.has(histologyClass)) found.set(histologyClass, { histologyClass, sentence: clause.slice(0, 240), mixed });
    }
  }
  return [...found.values()];
}

const SITES: { site: string; re: RegExp }[] = [
  { site: 'liver', re: /\b(?:liver|hepatic)\b/i },
  { site: 'prostate', re: /\bprostat(?:e|ic)\b/i },
  { site: 'lung', re: /\b(?:lung|pulmonary|bronch\w*)\b/i },
  { site: 'lymph-node', re: /\blymph\s+nodes?\b/i },
  { site: 'bone', re: /\b(?:bone|osseous)\b/i },
  { site: 'bladder', re: /\bbladder\b/i },
  { site: 'pelvis', re: /\bpelvi[cs]\b/i },
  { site: 'adrenal', re: /\badrenal\b/i },
  { site: 'brain', re: /\bbrain\b/i },
];

/**
 * The organ a specimen came from, from a report title or the head of its conclusion
 * ("Liver, segment VI, core needle biopsy: …"): the first organ named.
 * @param text - report title, specimen description or conclusion head
 */
export function specimenSiteFromText(text: string): string | undefined {
  let best: { site: string; at: number } | undefined;
  for (const { site, re } of SITES) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { site, at: m.index };
  }
  return best?.site;
}
