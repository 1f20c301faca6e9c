import { describe, expect, it } from 'vitest';
import { platinumEtoposide } from '../../../src/engine/classify/regimens.js';
import type { DraftOrder, Therapy } from '../../../src/engine/picture.js';
import { draft, picture, therapy } from '../builders.js';

/** Near misses of platinum–etoposide: what is current, drafted or past, undated courses, the diagnosis day, the last date. */

const carbo = (overrides: Partial<Therapy> = {}) => therapy('carboplatin', { classes: ['PLATINUM'], ...overrides });
const eto = (overrides: Partial<Therapy> = {}) => therapy('etoposide', { classes: ['ETOPOSIDE'], ...overrides });
const past = (overrides: Partial<Therapy> = {}) => ({ status: 'past' as const, ...overrides });
const draftCarbo = (overrides: Partial<DraftOrder> = {}) => draft('carboplatin', { classes: ['PLATINUM'], ...overrides });
const draftEto = () => draft('etoposide', { classes: ['ETOPOSIDE'] });
const status = (therapies: Therapy[], draftOrders: DraftOrder[] = [], since?: string) => platinumEtoposide(picture({ therapies, draftOrders }), 21, since);

describe('platinumEtoposide near misses', () => {
  it('a past platinum beside a current etoposide is not current', () => {
    expect(status([carbo(past({ date: '2026-01-01' })), eto()]).current).toEqual([]);
  });

  it('current etoposide alone is not current, nor drafted without a draft', () => {
    expect(status([eto()])).toMatchObject({ current: [], drafted: [] });
  });

  it('both current and nothing drafted → not drafted', () => {
    expect(status([carbo(), eto()]).drafted).toEqual([]);
  });

  it('a platinum draft and an etoposide draft → drafted, both', () => {
    expect(status([], [draftCarbo(), draftEto()]).drafted.map((d) => d.drug)).toEqual(['carboplatin', 'etoposide']);
  });

  it('a platinum draft alone → not drafted', () => {
    expect(status([], [draftCarbo()]).drafted).toEqual([]);
  });

  it('an undated platinum never pairs', () => {
    expect(status([carbo(past({ date: undefined, lastDate: undefined })), eto(past({ date: '2026-03-01' }))]).past).toEqual([]);
    expect(status([carbo(past({ date: '2026-03-01' })), eto(past({ date: undefined, lastDate: undefined }))]).past).toEqual([]);
  });

  it('a course given on the diagnosis day counts; the day before does not', () => {
    expect(status([carbo(past({ date: '2026-03-01' })), eto(past({ date: '2026-03-01' }))], [], '2026-03-01').past).toHaveLength(2);
    expect(status([carbo(past({ date: '2026-02-28' })), eto(past({ date: '2026-03-01' }))], [], '2026-03-01').past).toEqual([]);
    expect(status([carbo(past({ date: '2026-03-01' })), eto(past({ date: '2026-02-28' }))], [], '2026-03-01').past).toEqual([]);
  });

  it('the last date given is the latest of every drug in a past pair, by last date when recorded', () => {
    const result = status([
      carbo(past({ date: '2026-03-01', lastDate: '2026-06-20' })),
      eto(past({ date: '2026-03-01', lastDate: '2026-06-22' })),
      carbo(past({ date: '2026-01-01', drug: 'cisplatin' })),
    ]);
    expect(result.lastGiven).toBe('2026-06-22');
    expect(result.past.map((t) => t.drug)).toEqual(['carboplatin', 'etoposide']);
  });
});
