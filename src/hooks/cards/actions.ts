import type { MedicationRequest, Resource } from 'fhir/r4.js';
import type { ProposedAction } from '../../engine/recommendation.js';

/** A CDS Hooks 2.0 Action. */
export type CdsAction =
  | { type: 'create'; description: string; resource: Resource }
  | { type: 'update'; description: string; resource: Resource }
  | { type: 'delete'; description: string; resourceId: string };

/**
 * Turns an engine action into a CDS Hooks action on real FHIR R4 resources.
 * @param action - what to do, in clinical terms
 * @param lookup - finds the current version of a resource of the call (an update sends the whole resource)
 * @returns the action, or undefined when the resource it needs is not available
 */
export function toCdsAction(action: ProposedAction, lookup: (ref: string) => Resource | undefined): CdsAction | undefined {
  switch (action.kind) {
    case 'stop-therapy': {
      const current = lookup(action.ref);
      if (current?.resourceType !== 'MedicationRequest') return undefined;
      const stopped: MedicationRequest = { ...(current as MedicationRequest), status: 'stopped', statusReason: { text: action.reason } };
      return { type: 'update', description: `Set ${action.ref} to stopped: ${action.reason}`, resource: stopped };
    }
    case 'remove-draft':
      return { type: 'delete', description: `Remove the draft order ${action.ref}`, resourceId: action.ref };
  }
}
