// The card review page: talks only to /review/api/* on the service. Every text goes in with textContent; the only
// HTML inserted is the card detail, rendered and escaped on the server (markdown-it, html: false).
import { refreshAnalytics } from './analytics.js';
import { $, api, el } from './page.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function status(message, isError = false) {
  $('status').textContent = message;
  $('status').classList.toggle('error', isError);
}

const safeUrl = (url) => typeof url === 'string' && /^https?:\/\//i.test(url);

function link(label, url) {
  return safeUrl(url) ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer', text: label }) : el('span', { text: label });
}

function request() {
  const hook = $('hook').value;
  return { patientId: $('patient').value, hook, ...(hook !== 'patient-view' && $('drug').value ? { drug: $('drug').value } : {}) };
}

function renderCard(card) {
  const detail = el('div', { className: 'detail' });
  detail.innerHTML = card.detailHtml; // escaped server-side: raw HTML in markdown is shown as text
  const source = el('p', { className: 'source' }, 'Source: ', link(card.source.label, card.source.url), ` · rule ${card.source.topic}`);
  const actions = el('div', { className: 'actions' });
  for (const suggestion of card.suggestions) {
    const button = el('button', {
      type: 'button',
      className: suggestion.isRecommended ? 'suggestion recommended' : 'suggestion',
      title: suggestion.actions.join('\n'),
      text: suggestion.label,
    });
    button.addEventListener('click', () => accept(card, suggestion, button));
    actions.append(button);
  }
  for (const l of card.links) actions.append(link(l.label, l.url));
  if (card.overrideReasons.length > 0) {
    const select = el('select', { 'aria-label': 'Override reason' }, el('option', { value: '', text: 'Override reason…' }));
    for (const reason of card.overrideReasons) select.append(el('option', { value: reason.code, text: reason.display }));
    const button = el('button', { type: 'button', text: 'Dismiss with reason' });
    button.addEventListener('click', () => override(card, select.value, button));
    actions.append(el('span', { className: 'override' }, select, button));
  }
  return el(
    'article',
    { className: `card ${card.indicator}`, 'data-rule': card.source.topic, 'data-uuid': card.uuid },
    el('span', { className: 'badge', text: card.indicator }),
    el('h2', { text: card.summary }),
    detail,
    source,
    actions,
  );
}

// A newer call (another patient picked meanwhile) wins: an older answer arriving late is dropped.
let latestRun = 0;
let latestLabs = 0;

async function run() {
  const body = request();
  if (!body.patientId) return;
  const mine = ++latestRun;
  const cards = $('cards');
  cards.setAttribute('aria-busy', 'true');
  status(`Calling ${body.hook}…`);
  try {
    const answer = await api('run', body);
    if (mine !== latestRun) return;
    cards.replaceChildren(...answer.cards.map(renderCard));
    status(`${answer.cards.length} card${answer.cards.length === 1 ? '' : 's'} from ${answer.serviceId}`);
    refreshAnalytics();
  } catch (err) {
    if (mine !== latestRun) return;
    cards.replaceChildren();
    status(`The hook call failed: ${err.message}`, true);
  } finally {
    if (mine === latestRun) cards.setAttribute('aria-busy', 'false');
  }
}

async function accept(card, suggestion, button) {
  button.disabled = true;
  try {
    const result = await api('accept', { cardUuid: card.uuid, suggestionUuid: suggestion.uuid });
    if (result.draft === 'removed') $('drug').value = '';
    await run();
    status(
      `Accepted "${suggestion.label}" (${result.applied} action${result.applied === 1 ? '' : 's'} applied; feedback: HTTP ${result.feedback.status}). ${$('status').textContent}`,
    );
  } catch (err) {
    button.disabled = false;
    status(`Could not accept the suggestion: ${err.message}`, true);
  }
}

async function override(card, reasonCode, button) {
  if (!reasonCode) return status('Choose an override reason first', true);
  button.disabled = true;
  try {
    const result = await api('override', { cardUuid: card.uuid, reasonCode });
    const received = result.feedback.status === 200;
    status(received ? `Override sent as feedback for "${card.summary}"` : `The service refused the feedback (HTTP ${result.feedback.status})`, !received);
    if (received) button.closest('article')?.classList.add('overridden');
    refreshAnalytics();
  } catch (err) {
    button.disabled = false;
    status(`Could not send the override: ${err.message}`, true);
  }
}

function chart(series) {
  const width = 320,
    height = 170,
    left = 40,
    right = 10,
    top = 22,
    bottom = 30;
  const box = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${series.label} over time` });
  box.append(svg('text', { x: 0, y: 12, class: 'title' }, `${series.label.split(',')[0]} (${series.unit})`));
  if (series.points.length === 0) {
    box.append(svg('text', { x: left, y: height / 2 }, 'no results on record'));
    return box;
  }
  const times = series.points.map((p) => Date.parse(p.date));
  const values = series.points.map((p) => p.value);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const vMax = Math.max(...values) * 1.1 || 1;
  const x = (t) => left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (width - left - right);
  const y = (v) => height - bottom - (v / vMax) * (height - top - bottom);
  box.append(svg('line', { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: 'axis' }));
  box.append(svg('line', { x1: left, y1: top, x2: left, y2: height - bottom, class: 'axis' }));
  box.append(svg('text', { x: 2, y: top + 4 }, vMax.toPrecision(2)), svg('text', { x: 2, y: height - bottom }, '0'));
  box.append(
    svg('text', { x: left, y: height - 8 }, series.points[0].date),
    svg('text', { x: width - right, y: height - 8, 'text-anchor': 'end' }, series.points.at(-1).date),
  );
  box.append(svg('polyline', { class: 'series', points: series.points.map((p, i) => `${x(times[i])},${y(p.value)}`).join(' ') }));
  series.points.forEach((p, i) => {
    const dot = svg('circle', { cx: x(times[i]), cy: y(p.value), r: 3, class: 'point' });
    dot.append(svg('title', {}, `${p.date}: ${p.value} ${series.unit}`));
    box.append(dot);
  });
  return box;
}

async function loadLabs() {
  const aside = $('labs');
  const mine = ++latestLabs;
  try {
    const { series } = await api('labs', { patientId: $('patient').value });
    if (mine !== latestLabs) return;
    aside.replaceChildren(el('h2', { text: 'Lab history' }), ...series.map(chart));
  } catch (err) {
    if (mine !== latestLabs) return;
    aside.replaceChildren(el('h2', { text: 'Lab history' }));
    aside.append(el('p', { className: 'muted', text: `Labs could not be read: ${err.message}` }));
  }
}

async function start() {
  const [config, { patients }] = await Promise.all([api('config'), api('patients')]);
  $('fhir-server').textContent = config.fhirServer;
  for (const drug of config.drugs) $('drug').append(el('option', { value: drug.id, text: drug.label }));
  $('patient').append(...patients.map((p) => el('option', { value: p.id, text: `${p.name} — ${p.id}` })));
  $('hook').addEventListener('change', () => ($('drug-field').hidden = $('hook').value === 'patient-view'));
  $('patient').addEventListener('change', () => Promise.all([loadLabs(), run()]));
  $('controls').addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  status(`${patients.length} patients on the FHIR server`);
  refreshAnalytics();
  if (patients.length > 0) await Promise.all([loadLabs(), run()]);
}

start().catch((err) => status(`The review page could not start: ${err.message}`, true));
