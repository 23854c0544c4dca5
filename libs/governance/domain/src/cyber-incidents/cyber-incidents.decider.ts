import type { FactOf } from '@gpds/shared-contracts';
import { assertPracticeOpen, requireInstant, type DecisionContext } from '../context';
import { Rejection, dateOf } from '../rejection';

/**
 * Cyber security incidents at a practice (on the practice's stream) or at a commissioner's own
 * systems (on the commissioner's stream): reported, then resolved; a resolved incident stays resolved.
 */
export type CyberIncidentReported = FactOf<'CyberIncidentReported'>;
export type CyberIncidentResolved = FactOf<'CyberIncidentResolved'>;

export interface CyberIncidentState {
  readonly detectedAt: string;
  /** The report's occurredAt. */
  readonly reportedAt: string;
  /** The resolution's occurredAt, or null while open. */
  readonly resolvedAt: string | null;
}
/** By incident id. */
export type CyberIncidentsState = ReadonlyMap<string, CyberIncidentState>;

/** The organisation levels an incident may be at: a practice, or a commissioner's own systems. */
const INCIDENT_LEVELS = ['PRACTICE', 'COMMISSIONER'];

export function decideCyberIncidentReported(command: CyberIncidentReported, incidents: CyberIncidentsState, context: DecisionContext): CyberIncidentReported[] {
  const d = command.data;
  if (!Number.isInteger(d.severity) || d.severity < 1 || d.severity > 4) {
    throw new Rejection(
      'SEVERITY_OUT_OF_RANGE',
      'data.severity',
      `data.severity ${String(d.severity)} is not a severity: a whole number from 1 (most severe) to 4`,
    );
  }
  requireInstant(d.detectedAt, 'data.detectedAt');
  if (Date.parse(d.detectedAt) > Date.parse(command.occurredAt)) {
    throw new Rejection(
      'REPORTED_BEFORE_DETECTED',
      'data.detectedAt',
      `incident ${d.incidentId} is reported at ${command.occurredAt}, before it was detected (${d.detectedAt}): an incident is reported once it is detected`,
    );
  }
  assertIncidentOrganisation(command, context);
  const known = incidents.get(d.incidentId);
  if (known) {
    throw new Rejection(
      'INCIDENT_EXISTS',
      'data.incidentId',
      known.resolvedAt === null
        ? `incident ${d.incidentId} of ${d.organisationCode} is already reported (at ${known.reportedAt})`
        : `incident ${d.incidentId} of ${d.organisationCode} was reported at ${known.reportedAt} and resolved at ${known.resolvedAt}: a resolved incident stays resolved (report a new incident with its own id)`,
    );
  }
  return [command];
}

export function decideCyberIncidentResolved(command: CyberIncidentResolved, incidents: CyberIncidentsState, context: DecisionContext): CyberIncidentResolved[] {
  const d = command.data;
  assertIncidentOrganisation(command, context);
  const known = incidents.get(d.incidentId);
  if (!known) {
    throw new Rejection('UNKNOWN_INCIDENT', 'data.incidentId', `${d.organisationCode} has no incident ${d.incidentId} reported: report it before resolving it`);
  }
  if (known.resolvedAt !== null) {
    throw new Rejection(
      'ALREADY_RESOLVED',
      'data.incidentId',
      `incident ${d.incidentId} of ${d.organisationCode} was resolved at ${known.resolvedAt}: a resolved incident stays resolved`,
    );
  }
  if (Date.parse(command.occurredAt) < Date.parse(known.reportedAt)) {
    throw new Rejection(
      'RESOLVED_BEFORE_REPORTED',
      'occurredAt',
      `incident ${d.incidentId} was reported at ${known.reportedAt}: it cannot be resolved before that (${command.occurredAt})`,
    );
  }
  return [command];
}

/** Every incident's report and resolution; a resolution of an unknown or resolved incident (never decided so) changes nothing. */
export function evolveCyberIncidents(incidents: CyberIncidentsState, event: CyberIncidentReported | CyberIncidentResolved): CyberIncidentsState {
  const current = incidents.get(event.data.incidentId);
  if (event.type === 'CyberIncidentReported') {
    if (current) return incidents;
    return new Map(incidents).set(event.data.incidentId, { detectedAt: event.data.detectedAt, reportedAt: event.occurredAt, resolvedAt: null });
  }
  if (!current || current.resolvedAt !== null) return incidents;
  return new Map(incidents).set(event.data.incidentId, { ...current, resolvedAt: event.occurredAt });
}

/** A practice open on the day, or a commissioner in the reference data. */
function assertIncidentOrganisation(command: CyberIncidentReported | CyberIncidentResolved, context: DecisionContext): void {
  const d = command.data;
  if (!INCIDENT_LEVELS.includes(d.organisationLevel)) {
    throw new Rejection(
      'INVALID_LEVEL',
      'data.organisationLevel',
      `data.organisationLevel '${d.organisationLevel}' is not one of ${INCIDENT_LEVELS.join(', ')}: a cyber incident is at a practice or at a commissioner's own systems`,
    );
  }
  if (d.organisationLevel === 'PRACTICE') {
    assertPracticeOpen(d.organisationCode, dateOf(command.occurredAt), context, 'data.organisationCode');
    return;
  }
  const organisation = context.organisation(d.organisationCode);
  if (!organisation || organisation.level !== 'COMMISSIONER') {
    throw new Rejection(
      'UNKNOWN_ORGANISATION',
      'data.organisationCode',
      `'${d.organisationCode}' is not a commissioner in the organisation reference data${organisation ? ` (it is a ${organisation.level})` : ''}`,
    );
  }
  // A CCG closed on 1 July 2022 has no systems of its own after that: its sub-ICB location reports them.
  const on = dateOf(command.occurredAt);
  if ((organisation.openedOn !== '' && on < organisation.openedOn) || (organisation.closedOn !== '' && on >= organisation.closedOn)) {
    const open = `${organisation.openedOn || 'records begin'} to ${organisation.closedOn ? `the day before ${organisation.closedOn}` : 'now'}`;
    throw new Rejection('ORGANISATION_NOT_OPEN', 'data.organisationCode', `commissioner ${d.organisationCode} was not open on ${on} (open from ${open})`);
  }
}
