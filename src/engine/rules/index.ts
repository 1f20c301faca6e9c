import type { Rule } from '../recommendation.js';
import { stopAdtSmallCell } from './stop-adt-small-cell.js';

/** Every rule of rules.md §4 that is implemented, in registry order. */
export const rules: readonly Rule[] = [stopAdtSmallCell];
