import { isIsoDate } from '@gpds/organisations';
import type { CheckedRecord, Principal, RecordError } from './submission-types';

/** What the policy needs of the organisation hierarchy. */
export interface CommissioningFacts {
  /** Every commissioner of the practice on some day from `from` to `to` (inclusive); null for days with none. */
  commissionersDuring(practice: string, from: string, to: string): ReadonlyArray<string | null>;
}

/**
 * Who may state a fact (pure; docs/submission-api.md, "Who may send what"). Admins may state
 * any fact but the organisation hierarchy's (the national reference feed's alone); analysts nothing; a submitter only facts about the practices it commissioned on
 * every day the fact is about (a sample's whole period, the review's day, the agreement's first
 * day) and about itself (its own figures, its own systems' cyber incidents), and never in another
 * organisation's name (an agreement's commissionerCode, a review's reviewedBy, an approval's approvedBy). The days come from the fact's own fields, not only
 * from occurredAt, so back-dating a record cannot move it into another commissioner's years.
 */
export function authorise(record: CheckedRecord, principal: Principal, hierarchy: CommissioningFacts): RecordError | null {
  // Nobody submits the hierarchy itself, admins included: it has no decider on this path, only the ODS importer.
  if (record.kind === 'organisation')
    return {
      path: 'type',
      code: 'NOT_PERMITTED',
      message: `${record.type} comes only from the national reference feed (the ODS mapping files: npm run cli -- import-ods)`,
    };
  if (principal.role === 'admin') return null;
  if (principal.role !== 'submitter') return { path: '', code: 'NOT_PERMITTED', message: `the ${principal.role} role cannot submit facts` };
  const me = principal.organisation;
  const subject = subjectOf(record);
  if (!subject) return { path: 'type', code: 'NOT_PERMITTED', message: `${record.type} comes only from the national reference feed` };

  // Facts that name their commissioner must name the submitter.
  if (subject.actsFor && subject.actsFor.value !== me) {
    const { field, value } = subject.actsFor;
    return {
      path: `data.${field}`,
      code: 'NOT_PERMITTED',
      message: `a submitter for ${me} records facts in its own name: data.${field} must be ${me}, not '${value}'`,
    };
  }

  const { level, organisation } = subject;
  const practice = subject.practice ?? (level === 'PRACTICE' ? organisation : '');
  if (practice === '') {
    if (level === 'COMMISSIONER' && organisation === me) return null;
    return {
      path: 'data.organisationCode',
      code: 'NOT_PERMITTED',
      message:
        level === 'COMMISSIONER'
          ? `a submitter for ${me} may state facts about its practices and itself only: facts about commissioner ${organisation} come from ${organisation} or a national feed`
          : `a submitter for ${me} may state facts about its practices and itself only; ${level || 'this'}-level facts come from national feeds`,
    };
  }
  const [from, to] = subject.days;
  // A date the decider will reject anyway is not the policy's to judge; the record fails there.
  if (!isIsoDate(from) || !isIsoDate(to) || to < from) return null;
  const commissioners = hierarchy.commissionersDuring(practice, from, to);
  if (commissioners.length === 1 && commissioners[0] === me) return null;
  const days = from === to ? `on ${from}` : `from ${from} to ${to}`;
  const others = commissioners.filter((c): c is string => c !== null && c !== me);
  return {
    // The field that names the practice: practiceCode, or organisationCode for facts about any level.
    path: 'practiceCode' in record.data ? 'data.practiceCode' : 'data.organisationCode',
    code: 'NOT_YOUR_PRACTICE',
    message:
      others.length > 0
        ? commissioners.includes(me)
          ? `practice ${practice} was commissioned by ${others.join(' and ')} as well as ${me} ${days}: a submitter states facts only about days the practice was its own (split the period)`
          : `practice ${practice} was commissioned by ${others.join(' and ')} ${days}, not by ${me}`
        : commissioners.includes(me)
          ? `practice ${practice} had no commissioner on some days ${days} (it opened or closed then): a submitter states facts only about days the practice was its own (split the period)`
          : `practice ${practice} had no commissioner ${days} in the reference data`,
  };
}

/** What a fact is about, for the policy: its practice (or organisation and level), the days, and in whose name it is recorded. */
interface Subject {
  readonly practice?: string;
  readonly organisation: string;
  readonly level: string;
  /** The first and last day the fact is about. */
  readonly days: readonly [string, string];
  /** The field naming the organisation the fact is recorded by, and its value. */
  readonly actsFor?: { readonly field: string; readonly value: string };
}

/**
 * Per fact type, read from its typed data; undefined for the hierarchy's own events (never
 * submitted). Exhaustive: a new event type does not compile until it says what it is about.
 */
function subjectOf(record: CheckedRecord): Subject | undefined {
  const day = record.occurredAt.slice(0, 10);
  /** A fact about a practice on its day, recorded in the name of the organisation in `actsFor`, if any. */
  const practiceFact = (practice: string, actsFor?: Subject['actsFor']): Subject => ({
    practice,
    organisation: practice,
    level: 'PRACTICE',
    days: [day, day],
    ...(actsFor ? { actsFor } : {}),
  });
  switch (record.type) {
    case 'UtilisationSampleRecorded':
    case 'CarbonMetricRecorded': {
      const d = record.data;
      return { organisation: d.organisationCode, level: d.organisationLevel, days: [d.periodStart, d.periodEnd] };
    }
    case 'CcgPracticeAgreementSigned': {
      const d = record.data;
      // The commissioner on the term's first day signs for the practice (it may sign before it takes the practice over).
      return {
        practice: d.practiceCode,
        organisation: d.practiceCode,
        level: 'PRACTICE',
        days: [d.termStart, d.termStart],
        actsFor: { field: 'commissionerCode', value: d.commissionerCode },
      };
    }
    case 'CcgPracticeAgreementTerminated': {
      const d = record.data;
      // The agreement's last day in force: a commissioner ends its own agreement, even as the practice moves on.
      const last = dayBefore(d.terminatedOn);
      return {
        practice: d.practiceCode,
        organisation: d.practiceCode,
        level: 'PRACTICE',
        days: [last, last],
        actsFor: { field: 'commissionerCode', value: d.commissionerCode },
      };
    }
    case 'BusinessContinuityPlanReviewed':
      return practiceFact(record.data.practiceCode, { field: 'reviewedBy', value: record.data.reviewedBy });
    case 'ItReviewCompleted':
      return practiceFact(record.data.practiceCode, { field: 'reviewedBy', value: record.data.reviewedBy });
    case 'SubcontractorAccessApproved':
      return practiceFact(record.data.practiceCode, { field: 'approvedBy', value: record.data.approvedBy });
    case 'CapabilityDeployed':
    case 'CapabilityWithdrawn':
    case 'DsptAssessmentPublished':
    case 'DataProtectionOfficerDesignated':
    case 'CasRegistrationRecorded':
    case 'ClinicalSafetyAssessmentRecorded':
    case 'LocalClinicalServerRecorded':
    case 'LocalClinicalServerDecommissioned':
    case 'RemoteAccessCapacityAssessed':
    case 'UnsupportedSoftwareDetected':
    case 'UnsupportedSoftwareRemediated':
    case 'DataBreachReported':
    case 'RecordAccessLost':
    case 'RecordAccessRestored':
      return practiceFact(record.data.practiceCode);
    case 'CyberIncidentReported':
    case 'CyberIncidentResolved': {
      // At a practice (its commissioner's to state) or at a commissioner's own systems (its own).
      const d = record.data;
      return {
        ...(d.organisationLevel === 'PRACTICE' ? { practice: d.organisationCode } : {}),
        organisation: d.organisationCode,
        level: d.organisationLevel,
        days: [day, day],
      };
    }
    case 'OrganisationRegistered':
    case 'OrganisationRenamed':
    case 'OrganisationRelationshipChanged':
    case 'OrganisationClosed':
    case 'OrganisationObserved':
    case 'HierarchySourceRecorded':
    case 'OrganisationTimelineResolved':
      return undefined;
    default:
      return unhandled(record);
  }
}

/** Compiles only when every event type has its case above. */
function unhandled(record: never): never {
  throw new Error(`no subject for event type ${(record as { type: string }).type}`);
}

/** The first and last day a fact is about. */
export function factDays(record: CheckedRecord): readonly [string, string] {
  return subjectOf(record)?.days ?? [record.occurredAt.slice(0, 10), record.occurredAt.slice(0, 10)];
}

function dayBefore(date: string): string {
  if (!isIsoDate(date)) return date;
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}
