import { describe, expect, it } from 'vitest';
import { ageInDays, describeDated, isStale } from '../../src/engine/staleness.js';

const now = new Date('2026-11-23T09:00:00Z');

describe('staleness', () => {
  it.each([
    ['2026-11-23', 0, false],
    ['2026-11-16T09:00:00Z', 7, false],
    ['2026-11-16T08:59:59Z', 7, false],
    ['2026-11-15T09:00:00Z', 8, true],
    ['2026-01-04', 323, true],
  ])('%s is %s days old; stale after 7 days: %s', (date, days, stale) => {
    expect(ageInDays({ date }, now)).toBe(days);
    expect(isStale({ date }, now, 7)).toBe(stale);
  });

  it('an undated or unparseable value is stale, never current', () => {
    expect(isStale({}, now, 7)).toBe(true);
    expect(isStale({ date: 'yesterday' }, now, 7)).toBe(true);
  });

  it('describes a value with its date, and its age when stale', () => {
    expect(describeDated('1.1 mg/dL', { date: '2026-11-20' }, now, 30)).toBe('1.1 mg/dL on 2026-11-20');
    expect(describeDated('1.1 mg/dL', { date: '2026-01-04' }, now, 30)).toBe('1.1 mg/dL on 2026-01-04 (older than 30 days)');
    expect(describeDated('1.1 mg/dL', {}, now, 30)).toBe('1.1 mg/dL (date not recorded)');
  });
});
