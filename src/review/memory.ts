import type { Card } from '../hooks/cards/render.js';

/**
 * The cards the page was shown, by uuid: accepting a suggestion or overriding a card names only uuids, and the
 * backend acts on what the service itself answered (the browser cannot make it write arbitrary resources).
 * Bounded: the oldest cards are forgotten first.
 */

export interface ShownCard {
  serviceId: string;
  card: Card;
  /** `MedicationRequest/<id>` of the drafts sent with the call: actions on them change the draft, not the server. */
  draftRefs: string[];
}

export class ShownCards {
  private readonly cards = new Map<string, ShownCard>();

  constructor(private readonly capacity = 1000) {}

  remember(entry: ShownCard): void {
    this.cards.delete(entry.card.uuid);
    this.cards.set(entry.card.uuid, entry);
    while (this.cards.size > this.capacity) {
      const oldest = this.cards.keys().next().value;
      if (oldest === undefined) break;
      this.cards.delete(oldest);
    }
  }

  get(uuid: string): ShownCard | undefined {
    return this.cards.get(uuid);
  }
}
