import type { Card } from './render.js';

const SYSTEM_TOPIC = 'urn:nec-cds:system';

/**
 * The card that says which data could not be read: the other cards were made without it, so a missing card
 * must not be read as "nothing to worry about".
 * @param unreadable - what could not be read, in words
 * @param newId - uuid source
 */
export function dataUnavailableCard(unreadable: readonly string[], newId: () => string): Card {
  return {
    uuid: newId(),
    summary: 'Some of this patient’s records could not be read — the advice shown may be incomplete',
    detail: [
      'The neuroendocrine carcinoma advisor could not read all the data it needs, so a card that would apply may be missing:',
      '',
      ...unreadable.map((u) => `- ${u}`),
      '',
      'Review the chart directly, or open it again later.',
    ].join('\n'),
    indicator: 'info',
    source: { label: 'nec-cds data check', topic: { system: SYSTEM_TOPIC, code: 'data-unavailable', display: 'Data could not be read' } },
  };
}
