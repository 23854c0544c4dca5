import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/** Legacy local clinical system servers at a practice, from the first day known in place to decommissioning, on the practice's stream. */
export type LocalClinicalServerRecorded = FactOf<'LocalClinicalServerRecorded'>;
export type LocalClinicalServerDecommissioned = FactOf<'LocalClinicalServerDecommissioned'>;

/** A server's latest time in place: the first day known in place, and the day it was switched off (null while in place). */
export interface LocalServerState {
  readonly recordedOn: string;
  readonly decommissionedOn: string | null;
}
/** By server id. */
export type LocalServersState = ReadonlyMap<string, LocalServerState>;

export function decideLocalServerRecorded(
  command: LocalClinicalServerRecorded,
  servers: LocalServersState,
  context: DecisionContext,
): LocalClinicalServerRecorded[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  const server = servers.get(d.server);
  if (server && server.decommissionedOn === null) {
    throw new Rejection(
      'SERVER_ALREADY_RECORDED',
      'data.server',
      `server ${d.server} is already recorded in place at practice ${d.practiceCode} (since ${server.recordedOn}): decommission it before recording it again`,
    );
  }
  if (server && server.decommissionedOn !== null && on <= server.decommissionedOn) {
    throw new Rejection(
      'SERVER_ALREADY_RECORDED',
      'data.server',
      `server ${d.server} was in place at practice ${d.practiceCode} from ${server.recordedOn} until it was decommissioned on ${server.decommissionedOn}: it can be recorded again only from the day after (not ${on})`,
    );
  }
  return [command];
}

export function decideLocalServerDecommissioned(
  command: LocalClinicalServerDecommissioned,
  servers: LocalServersState,
  context: DecisionContext,
): LocalClinicalServerDecommissioned[] {
  const d = command.data;
  const on = dateOf(command.occurredAt);
  assertPracticeOpen(d.practiceCode, on, context);
  const server = servers.get(d.server);
  if (!server) {
    throw new Rejection('UNKNOWN_SERVER', 'data.server', `practice ${d.practiceCode} has no server ${d.server} recorded: record it before decommissioning it`);
  }
  if (server.decommissionedOn !== null) {
    throw new Rejection(
      'SERVER_ALREADY_DECOMMISSIONED',
      'data.server',
      `server ${d.server} at practice ${d.practiceCode} was already decommissioned on ${server.decommissionedOn}`,
    );
  }
  // The day it was switched off it was still in place: the day it was recorded will do.
  if (on < server.recordedOn) {
    throw new Rejection(
      'DECOMMISSIONED_BEFORE_RECORDED',
      'occurredAt',
      `a server cannot be decommissioned before it was recorded: server ${d.server} is recorded in place from ${server.recordedOn}, after ${on}`,
    );
  }
  return [command];
}

/**
 * Each server's latest time in place. Order-robust: a fact about an earlier time in place (one
 * that reaches the stream after a later one) does not replace what is known of the later one.
 */
export function evolveLocalServers(servers: LocalServersState, event: LocalClinicalServerRecorded | LocalClinicalServerDecommissioned): LocalServersState {
  const on = dateOf(event.occurredAt);
  const current = servers.get(event.data.server);
  if (event.type === 'LocalClinicalServerRecorded') {
    // Already in place, or a day of the known time in place: nothing new.
    if (current && (current.decommissionedOn === null || on <= current.decommissionedOn)) return servers;
    return new Map(servers).set(event.data.server, { recordedOn: on, decommissionedOn: null });
  }
  // Unknown, before the latest time in place (an earlier one's end), or after it ended already.
  if (!current || on < current.recordedOn || (current.decommissionedOn !== null && current.decommissionedOn <= on)) return servers;
  return new Map(servers).set(event.data.server, { ...current, decommissionedOn: on });
}
