// The override analytics table: per rule, cards shown, accepted, overridden, acceptance rate and the most frequent
// override reasons, as the service's GET /analytics/rules counts them (all patients, every client).
import { $, api, el } from './page.js';

const TOP_REASONS = 3;
let latest = 0;

const reasonText = (r) => `${r.display ?? r.code ?? '(no reason)'} ×${r.count}`;

function row(rule) {
  const reasons = rule.overrideReasons.slice(0, TOP_REASONS).map(reasonText).join('; ');
  return el(
    'tr',
    { 'data-rule': rule.ruleId },
    el('th', { scope: 'row', text: rule.ruleId }),
    el('td', { className: 'num shown', text: String(rule.shown) }),
    el('td', { className: 'num accepted', text: String(rule.accepted) }),
    el('td', { className: 'num overridden', text: String(rule.overridden) }),
    el('td', { className: 'num rate', text: `${Math.round(rule.acceptanceRate * 100)} %` }),
    el('td', { className: 'reasons', text: reasons || '—' }),
  );
}

function table(rules) {
  const numeric = ['Shown', 'Accepted', 'Overridden', 'Acceptance'];
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col', text: 'Rule' }),
        ...numeric.map((text) => el('th', { scope: 'col', className: 'num', text })),
        el('th', { scope: 'col', text: 'Top override reasons' }),
      ),
    ),
    el('tbody', {}, ...rules.map(row)),
  );
}

/** Reads the figures again and redraws the section; an older answer arriving after a newer one is dropped. */
export async function refreshAnalytics() {
  const section = $('analytics');
  const mine = ++latest;
  const title = el('h2', { text: 'Override analytics (all patients)' });
  try {
    const answer = await api('analytics');
    if (mine !== latest) return;
    if (!answer.enabled)
      section.replaceChildren(title, el('p', { className: 'muted note', text: answer.message ?? 'Override analytics are off: set ANALYTICS=enabled' }));
    else if (answer.rules.length === 0) section.replaceChildren(title, el('p', { className: 'muted note', text: 'No card shown yet.' }));
    else section.replaceChildren(title, table(answer.rules));
  } catch (err) {
    if (mine !== latest) return;
    section.replaceChildren(title, el('p', { className: 'muted note', text: `Analytics could not be read: ${err.message}` }));
  }
}
