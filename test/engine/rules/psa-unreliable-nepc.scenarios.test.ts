import { describe, expect, it } from 'vitest';
import type { LabFact, PatientPicture } from '../../../src/engine/picture.js';
import { psaUnreliableNepc as rule } from '../../../src/engine/rules/psa-unreliable-nepc.js';
import { ctx, seed000 } from '../builders.js';
import { daysAgo, procedure, psa, serviceDraft } from './nepc-builders.js';

/** Whole recommendations of psa-unreliable-nepc: CT on record, ordered or old; markers raised, bounded or absent. */

const ct = (days: number | undefined, overrides = {}) =>
  procedure('ct-chest-abdomen-pelvis', 'imaging', days === undefined ? undefined : daysAgo(days), overrides);
const marker = (value: number, unit: string, overrides: Partial<LabFact> = {}): LabFact => ({
  value,
  unit,
  date: '2026-11-01',
  sources: [`Observation/${unit}`],
  ...overrides,
});
const markers = (nse?: LabFact, chromograninA?: LabFact): Partial<PatientPicture> => ({
  markers: {
    ...seed000().markers,
    nse: nse ?? { missing: true, reason: 'not recorded' },
    chromograninA: chromograninA ?? { missing: true, reason: 'not recorded' },
  },
});
const psaOrder = serviceDraft('psa-test-order', { asRecorded: 'PSA, total' });

const scenarios: [string, () => ReturnType<typeof rule.evaluate>][] = [
  [
    'patient-view, NSE at its limit and a bounded chromogranin A above it, no CT',
    () =>
      rule.evaluate(
        seed000({
          psa: [psa(0.4, '2026-11-01')],
          ...markers(marker(16.3, 'ng/mL', { referenceHigh: 16.3 }), marker(200, 'ng/mL', { comparator: '>', referenceHigh: 100 })),
        }),
        ctx(),
      ),
  ],
  [
    'patient-view, NSE without a limit, two CTs (newest first regardless of order), the newest 100 days old',
    () => rule.evaluate(seed000({ psa: [psa(0.4, '2026-11-01')], procedures: [ct(200), ct(100), ct(undefined)], ...markers(marker(30, 'ng/mL')) }), ctx()),
  ],
  [
    'order-sign of a PSA with a CT 20 days ago',
    () =>
      rule.evaluate(seed000({ psa: [psa(0.4, '2026-11-01')], procedures: [ct(20, { status: 'in-progress' })], draftOrders: [psaOrder] }), ctx('order-sign')),
  ],
  [
    'order-sign of a PSA with a CT among the orders',
    () =>
      rule.evaluate(
        seed000({ psa: [psa(0.4, '2026-11-01')], draftOrders: [psaOrder, serviceDraft('ct-chest-abdomen-pelvis', { asRecorded: 'CT CAP with contrast' })] }),
        ctx('order-sign'),
      ),
  ],
  [
    'order-select of a PSA out of scope (patient-view-like card)',
    () => rule.evaluate(seed000({ psa: [psa(0.4, '2026-11-01')], draftOrders: [{ ...psaOrder, inScope: false }] }), ctx('order-select')),
  ],
];

describe('psa-unreliable-nepc: whole recommendations', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    expect(scenario()).toMatchSnapshot();
  });
});
