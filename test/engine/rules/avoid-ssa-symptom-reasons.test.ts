import { describe, expect, it } from 'vitest';
import { avoidSsaHighGrade, isSymptomControlReason } from '../../../src/engine/rules/avoid-ssa-high-grade.js';
import { ctx } from '../builders.js';
import { medDraft, necPicture } from './orders-builders.js';

/** Each way an order's reason can say "symptom control" (then the SSA is not flagged), and the near misses that do not. */
describe('isSymptomControlReason: every wording it accepts', () => {
  it.each([
    'symptoms of flushing',
    'Symptomatic relief',
    'carcinoid  syndrome',
    'carcinoid crisis',
    'carcinoid heart disease',
    'diarrea',
    'diarrhoea',
    'flushing',
    'hormone - related symptoms',
    'hormone-related',
    'hormonal syndrome',
    'hormone hypersecretion',
    'hormone excess',
    'functional  tumour',
    'functional tumor',
    'functional neuroendocrine tumour',
    'functional syndrome',
    'VIPoma',
    'insulinoma',
    'hypoglycemia',
    'hypoglycaemia',
    'gastrinoma',
    'Zollinger-Ellison syndrome',
    'glucagonoma',
    'acromegaly',
    "Cushing's disease",
    'secretory tumour',
  ])('%s → symptom control', (reason) => {
    expect(isSymptomControlReason(reason)).toBe(true);
  });

  it.each([
    'asymptomatic, antiproliferative',
    'non-functional tumour, antiproliferative',
    'Non functional neuroendocrine tumour',
    'nonfunctional tumour',
    'hormone receptor positive',
    'carcinoid tumour',
    'hypersecretory',
    'tumour control',
  ])('%s → not symptom control', (reason) => {
    expect(isSymptomControlReason(reason)).toBe(false);
  });
});

describe('avoid-ssa-high-grade on an order whose reason is a non-functional tumour', () => {
  it('fires: "non-functional" is the antitumour indication, not symptom control', () => {
    const rec = avoidSsaHighGrade.evaluate(
      necPicture({ draftOrders: [medDraft('lanreotide', { reason: 'Non-functional neuroendocrine tumour, antiproliferative' })] }),
      ctx('order-sign'),
    );
    expect(rec).toMatchObject({ ruleId: 'avoid-ssa-high-grade', variant: 'ordered' });
  });
});
