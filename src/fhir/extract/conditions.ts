import type { CodeableConcept, Condition } from 'fhir/r4.js';
import { clinicalStatusCodes, onsetDate, verificationStatusCodes } from './elements.js';
import { clinicalDate } from './dates.js';

const NOT_A_FACT = new Set(['refuted', 'entered-in-error']);
const NOT_ACTIVE = new Set(['inactive', 'remission', 'resolved']);

/** False for Conditions that were refuted or entered in error: they never count as findings. */
export function isRecordedFact(condition: Condition): boolean {
  return !verificationStatusCodes(condition).some((code) => NOT_A_FACT.has(code as string));
}

/** Active (or recurrence/relapse) and not refuted; a missing clinicalStatus is read as active. */
export function isActiveCondition(condition: Condition): boolean {
  return isRecordedFact(condition) && !clinicalStatusCodes(condition).some((code) => NOT_ACTIVE.has(code as string));
}

/** Onset date, else recorded date. */
export function conditionDate(condition: Condition): string | undefined {
  return clinicalDate(onsetDate(condition));
}

/** SNOMED CT semantic tags ("(disorder)", "(finding)") mean nothing to a clinician reading a card. */
const SEMANTIC_TAG = /\s+\((?:disorder|finding|morphologic abnormality|procedure|situation|observable entity)\)$/;

/** A display name for a concept: its text, else the first coding display, else the first code. */
export function displayOf(cc: CodeableConcept | undefined): string {
  const text = cc?.text ?? cc?.coding?.find((c) => c.display)?.display ?? cc?.coding?.[0]?.code ?? 'unnamed';
  return text.replace(SEMANTIC_TAG, '');
}
