import type { Card } from '../hooks/cards/render.js';
import { renderDetail } from './markdown.js';

/** A card as the page draws it: detail already rendered to safe HTML, only http(s) links, actions left out. */
export interface CardView {
  uuid: string;
  indicator: Card['indicator'];
  summary: string;
  detailHtml: string;
  source: { label: string; url?: string; topic: string };
  suggestions: { uuid: string; label: string; isRecommended: boolean; actions: string[] }[];
  selectionBehavior?: string;
  overrideReasons: { code: string; display: string }[];
  links: { label: string; url: string }[];
}

const httpUrl = (url: string | undefined): url is string => typeof url === 'string' && /^https?:\/\//i.test(url);

export function cardView(card: Card): CardView {
  return {
    uuid: card.uuid,
    indicator: card.indicator,
    summary: card.summary,
    detailHtml: card.detail ? renderDetail(card.detail) : '',
    source: { label: card.source.label, ...(httpUrl(card.source.url) ? { url: card.source.url } : {}), topic: card.source.topic.code },
    suggestions: (card.suggestions ?? []).map((s) => ({
      uuid: s.uuid,
      label: s.label,
      isRecommended: s.isRecommended === true,
      actions: s.actions.map((a) => a.description),
    })),
    ...(card.selectionBehavior ? { selectionBehavior: card.selectionBehavior } : {}),
    overrideReasons: (card.overrideReasons ?? []).map((r) => ({ code: r.code, display: r.display })),
    links: (card.links ?? []).filter((l) => l.type === 'absolute' && httpUrl(l.url)).map((l) => ({ label: l.label, url: l.url })),
  };
}
