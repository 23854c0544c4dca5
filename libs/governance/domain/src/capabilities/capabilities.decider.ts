import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** Capabilities of the Operating Model deployed at (and withdrawn from) a practice, on the practice's stream. */
export type CapabilityDeployed = FactOf<'CapabilityDeployed'>;
export type CapabilityWithdrawn = FactOf<'CapabilityWithdrawn'>;

export type CapabilitiesState = ReadonlyMap<string, { readonly solution: string; readonly supplier: string; readonly since: string }>;

export function decideCapabilityDeployed(command: CapabilityDeployed, context: DecisionContext): CapabilityDeployed[] {
  const d = command.data;
  assertPracticeOpen(d.practiceCode, dateOf(command.occurredAt), context);
  assertKnownCapability(d.capability, context);
  return [command];
}

export function decideCapabilityWithdrawn(command: CapabilityWithdrawn, capabilities: CapabilitiesState, context: DecisionContext): CapabilityWithdrawn[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  assertKnownCapability(d.capability, context);
  const deployed = capabilities.get(d.capability);
  if (!deployed) {
    throw new Rejection('CAPABILITY_NOT_DEPLOYED', 'data.capability', `${d.capability} is not deployed at practice ${d.practiceCode}: nothing to withdraw`);
  }
  if (on < deployed.since) {
    throw new Rejection(
      'CAPABILITY_NOT_DEPLOYED',
      'occurredAt',
      `${d.capability} was deployed at practice ${d.practiceCode} on ${deployed.since}, after ${on}`,
    );
  }
  return [command];
}

export function evolveCapabilities(capabilities: CapabilitiesState, event: CapabilityDeployed | CapabilityWithdrawn): CapabilitiesState {
  const next = new Map(capabilities);
  if (event.type === 'CapabilityDeployed')
    next.set(event.data.capability, { solution: event.data.solution, supplier: event.data.supplier, since: dateOf(event.occurredAt) });
  else next.delete(event.data.capability);
  return next;
}

function assertKnownCapability(capability: string, context: DecisionContext): void {
  if (!context.isKnownCapability(capability))
    throw new Rejection('UNKNOWN_CAPABILITY', 'data.capability', `'${capability}' is not in the capability catalogue`);
}
