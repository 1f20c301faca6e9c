import type { MedicationRequest, Resource, ServiceRequest } from 'fhir/r4.js';
import type { Dose, MedicationProposal, ProposedAction, ServiceProposal } from '../../engine/recommendation.js';
import type { Terminology } from '../../fhir/terminology.js';

/** A CDS Hooks 2.0 Action. */
export type CdsAction =
  | { type: 'create'; description: string; resource: Resource }
  | { type: 'update'; description: string; resource: Resource }
  | { type: 'delete'; description: string; resourceId: string };

/** What turning an engine action into FHIR needs from the call. */
export interface ActionContext {
  /** The current version of a resource of the call or a draft of the hook's context (an update sends it whole). */
  lookup: (ref: string) => Resource | undefined;
  patientRef: string;
  terminology: Terminology;
}

const UCUM = 'http://unitsofmeasure.org';
const VERIFY = 'Proposed by the neuroendocrine carcinoma advisor: verify before signing.';
/** SNOMED CT route codes as real orders carry them (47625008 seen on the mCODE cisplatin example). */
const ROUTE: Record<MedicationProposal['route'], { coding?: { system: string; code: string; display: string }[]; text: string }> = {
  intravenous: { coding: [{ system: 'http://snomed.info/sct', code: '47625008', display: 'Intravenous route' }], text: 'intravenous' },
  oral: { text: 'oral' },
  subcutaneous: { text: 'subcutaneous' },
  intramuscular: { text: 'intramuscular' },
};
const SERVICE_CATEGORY: Record<ServiceProposal['category'], { system: string; code: string; display: string }> = {
  laboratory: { system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' },
  imaging: { system: 'http://snomed.info/sct', code: '363679005', display: 'Imaging' },
  procedure: { system: 'http://snomed.info/sct', code: '387713003', display: 'Surgical procedure' },
  pathology: { system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' },
  genetics: { system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' },
};

function quantity(dose: Dose) {
  return { value: dose.value, unit: dose.unit, system: UCUM, code: dose.unit };
}

function medicationRequest(order: MedicationProposal, ctx: ActionContext): MedicationRequest {
  const code = ctx.terminology.orderCode(order.drug);
  const name = code?.display ?? order.drug;
  return {
    resourceType: 'MedicationRequest',
    status: 'draft',
    intent: 'proposal',
    subject: { reference: ctx.patientRef },
    medicationCodeableConcept: { ...(code ? { coding: [code] } : {}), text: name },
    dosageInstruction: [
      {
        text: `${name} ${order.dose.value} ${order.dose.unit} ${order.route}, ${order.schedule}`,
        ...(order.cycle
          ? {
              timing: {
                repeat: { frequency: order.cycle.days.length, period: order.cycle.lengthDays, periodUnit: 'd' as const },
                code: { text: order.schedule },
              },
            }
          : { timing: { code: { text: order.schedule } } }),
        route: ROUTE[order.route],
        doseAndRate: [{ doseQuantity: quantity(order.dose) }],
      },
    ],
    note: [{ text: `${order.note} ${VERIFY}` }],
  };
}

function serviceRequest(order: ServiceProposal, ctx: ActionContext): ServiceRequest {
  const code = order.procedure ? ctx.terminology.orderCode(order.procedure) : undefined;
  return {
    resourceType: 'ServiceRequest',
    status: 'draft',
    intent: 'proposal',
    subject: { reference: ctx.patientRef },
    category: [{ coding: [SERVICE_CATEGORY[order.category]], text: order.category }],
    code: { ...(code ? { coding: [code] } : {}), text: order.text },
    reasonCode: [{ text: order.reason }],
    note: [{ text: `${order.note ? `${order.note} ` : ''}${VERIFY}` }],
  };
}

/** The draft with its first dosage's dose replaced (the rest of the order untouched). */
function withDose(draft: MedicationRequest, dose: Dose): MedicationRequest {
  const [first, ...rest] = draft.dosageInstruction ?? [{}];
  const [rate, ...rates] = first?.doseAndRate ?? [{}];
  return {
    ...draft,
    dosageInstruction: [{ ...first, doseAndRate: [{ ...rate, doseQuantity: quantity(dose) }, ...rates] }, ...rest],
  };
}

/**
 * Turns an engine action into a CDS Hooks action on real FHIR R4 resources.
 * @param action - what to do, in clinical terms
 * @param ctx - the call's resources and drafts, the patient, the terminology (codes for new orders)
 * @returns the action, or undefined when the resource it needs is not available
 */
export function toCdsAction(action: ProposedAction, ctx: ActionContext): CdsAction | undefined {
  switch (action.kind) {
    case 'stop-therapy': {
      const current = ctx.lookup(action.ref);
      if (current?.resourceType !== 'MedicationRequest') return undefined;
      const stopped: MedicationRequest = { ...(current as MedicationRequest), status: 'stopped', statusReason: { text: action.reason } };
      return { type: 'update', description: `Set ${action.ref} to stopped: ${action.reason}`, resource: stopped };
    }
    case 'remove-draft':
      return { type: 'delete', description: `Remove the draft order ${action.ref}`, resourceId: action.ref };
    case 'propose-medication': {
      const resource = medicationRequest(action.order, ctx);
      return { type: 'create', description: `Draft order: ${resource.dosageInstruction?.[0]?.text ?? action.order.drug}`, resource };
    }
    case 'propose-service':
      return { type: 'create', description: `Draft order: ${action.order.text}`, resource: serviceRequest(action.order, ctx) };
    case 'set-draft-dose': {
      const draft = ctx.lookup(action.ref);
      if (draft?.resourceType !== 'MedicationRequest') return undefined;
      return {
        type: 'update',
        description: `Set the dose of ${action.ref} to ${action.dose.value} ${action.dose.unit}: ${action.reason}`,
        resource: withDose(draft as MedicationRequest, action.dose),
      };
    }
  }
}
