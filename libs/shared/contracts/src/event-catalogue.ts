import { ScalarType, fromJson, getOption, hasOption, toJson, type DescField, type DescMessage, type JsonValue, type MessageJsonType } from '@bufbuild/protobuf';
import {
  BusinessContinuityPlanReviewedSchema,
  CapabilityDeployedSchema,
  CapabilityWithdrawnSchema,
  CcgPracticeAgreementSignedSchema,
  CcgPracticeAgreementTerminatedSchema,
} from './gen/gpds/events/v1/governance_pb';
import {
  CyberIncidentReportedSchema,
  CyberIncidentResolvedSchema,
  RecordAccessLostSchema,
  RecordAccessRestoredSchema,
} from './gen/gpds/events/v1/incidents_pb';
import { DataBreachReportedSchema, DataProtectionOfficerDesignatedSchema, DsptAssessmentPublishedSchema } from './gen/gpds/events/v1/information_governance_pb';
import {
  ItReviewCompletedSchema,
  LocalClinicalServerDecommissionedSchema,
  LocalClinicalServerRecordedSchema,
  RemoteAccessCapacityAssessedSchema,
  SubcontractorAccessApprovedSchema,
  UnsupportedSoftwareDetectedSchema,
  UnsupportedSoftwareRemediatedSchema,
} from './gen/gpds/events/v1/infrastructure_pb';
import { CarbonMetricRecordedSchema, UtilisationSampleRecordedSchema } from './gen/gpds/events/v1/measurement_pb';
import { CasRegistrationRecordedSchema, ClinicalSafetyAssessmentRecordedSchema } from './gen/gpds/events/v1/patient_safety_pb';
import { required } from './gen/gpds/options/v1/options_pb';
import {
  HierarchySourceRecordedSchema,
  OrganisationClosedSchema,
  OrganisationObservedSchema,
  OrganisationRegisteredSchema,
  OrganisationTimelineResolvedSchema,
  OrganisationRelationshipChangedSchema,
  OrganisationRenamedSchema,
} from './gen/gpds/events/v1/organisation_pb';

export type EventKind = 'organisation' | 'governance' | 'measurement';

/**
 * The v1 event catalogue (DOMAIN.md, first table): every type the platform stores, with its
 * current schema. The one place an event type is declared: its data's TypeScript type is
 * derived from the generated protobuf message (`EventData`), so no layer writes its fields again.
 */
const CATALOGUE = {
  OrganisationRegistered: { schemaVersion: 1, kind: 'organisation', submittable: false, schema: OrganisationRegisteredSchema },
  OrganisationRenamed: { schemaVersion: 1, kind: 'organisation', submittable: false, schema: OrganisationRenamedSchema },
  OrganisationRelationshipChanged: { schemaVersion: 1, kind: 'organisation', submittable: false, schema: OrganisationRelationshipChangedSchema },
  OrganisationClosed: { schemaVersion: 1, kind: 'organisation', submittable: false, schema: OrganisationClosedSchema },
  OrganisationObserved: { schemaVersion: 1, kind: 'organisation', submittable: false, schema: OrganisationObservedSchema },
  HierarchySourceRecorded: { schemaVersion: 1, kind: 'organisation', submittable: false, schema: HierarchySourceRecordedSchema },
  OrganisationTimelineResolved: { schemaVersion: 1, kind: 'organisation', submittable: false, schema: OrganisationTimelineResolvedSchema },
  CcgPracticeAgreementSigned: { schemaVersion: 1, kind: 'governance', submittable: true, schema: CcgPracticeAgreementSignedSchema },
  CcgPracticeAgreementTerminated: { schemaVersion: 1, kind: 'governance', submittable: true, schema: CcgPracticeAgreementTerminatedSchema },
  BusinessContinuityPlanReviewed: { schemaVersion: 1, kind: 'governance', submittable: true, schema: BusinessContinuityPlanReviewedSchema },
  CapabilityDeployed: { schemaVersion: 1, kind: 'governance', submittable: true, schema: CapabilityDeployedSchema },
  CapabilityWithdrawn: { schemaVersion: 1, kind: 'governance', submittable: true, schema: CapabilityWithdrawnSchema },
  // The rest of the Operating Model (DOMAIN.md, second table): decided on the practice's stream
  // (a cyber incident on its organisation's: a practice's, or a commissioner's own).
  DsptAssessmentPublished: { schemaVersion: 1, kind: 'governance', submittable: true, schema: DsptAssessmentPublishedSchema },
  DataProtectionOfficerDesignated: { schemaVersion: 1, kind: 'governance', submittable: true, schema: DataProtectionOfficerDesignatedSchema },
  CasRegistrationRecorded: { schemaVersion: 1, kind: 'governance', submittable: true, schema: CasRegistrationRecordedSchema },
  ClinicalSafetyAssessmentRecorded: { schemaVersion: 1, kind: 'governance', submittable: true, schema: ClinicalSafetyAssessmentRecordedSchema },
  ItReviewCompleted: { schemaVersion: 1, kind: 'governance', submittable: true, schema: ItReviewCompletedSchema },
  LocalClinicalServerRecorded: { schemaVersion: 1, kind: 'governance', submittable: true, schema: LocalClinicalServerRecordedSchema },
  LocalClinicalServerDecommissioned: { schemaVersion: 1, kind: 'governance', submittable: true, schema: LocalClinicalServerDecommissionedSchema },
  RemoteAccessCapacityAssessed: { schemaVersion: 1, kind: 'governance', submittable: true, schema: RemoteAccessCapacityAssessedSchema },
  UnsupportedSoftwareDetected: { schemaVersion: 1, kind: 'governance', submittable: true, schema: UnsupportedSoftwareDetectedSchema },
  UnsupportedSoftwareRemediated: { schemaVersion: 1, kind: 'governance', submittable: true, schema: UnsupportedSoftwareRemediatedSchema },
  CyberIncidentReported: { schemaVersion: 1, kind: 'governance', submittable: true, schema: CyberIncidentReportedSchema },
  CyberIncidentResolved: { schemaVersion: 1, kind: 'governance', submittable: true, schema: CyberIncidentResolvedSchema },
  DataBreachReported: { schemaVersion: 1, kind: 'governance', submittable: true, schema: DataBreachReportedSchema },
  RecordAccessLost: { schemaVersion: 1, kind: 'governance', submittable: true, schema: RecordAccessLostSchema },
  RecordAccessRestored: { schemaVersion: 1, kind: 'governance', submittable: true, schema: RecordAccessRestoredSchema },
  SubcontractorAccessApproved: { schemaVersion: 1, kind: 'governance', submittable: true, schema: SubcontractorAccessApprovedSchema },
  UtilisationSampleRecorded: { schemaVersion: 1, kind: 'measurement', submittable: true, schema: UtilisationSampleRecordedSchema },
  CarbonMetricRecorded: { schemaVersion: 1, kind: 'measurement', submittable: true, schema: CarbonMetricRecordedSchema },
} as const satisfies Record<string, { schemaVersion: number; kind: EventKind; submittable: boolean; schema: DescMessage }>;

type Catalogue = typeof CATALOGUE;
/** Every event type the platform stores. */
export type EventType = keyof Catalogue;
export type EventTypeOfKind<K extends EventKind> = { [T in EventType]: Catalogue[T]['kind'] extends K ? T : never }[EventType];

/**
 * An event's data as stored and as deciders and projections read it: the proto3 JSON form of
 * its generated message, every field present (the decoder emits defaults: '' for text, 0 for
 * numbers, the zero enum value, []).
 */
export type EventData<T extends EventType> = {
  readonly [F in keyof MessageJsonType<Catalogue[T]['schema']>]-?: Exclude<MessageJsonType<Catalogue[T]['schema']>[F], undefined>;
};

/**
 * An event's data as a connector sends it, before the contract has checked it: the contract's
 * field names (a misspelt or renamed field is a compile error), any values (checked on decoding).
 */
export type SubmittedData<T extends EventType> = { readonly [F in keyof EventData<T>]?: unknown };

/** A fact of one type as the domain sees it: what happened and when. */
export interface FactOf<T extends EventType> {
  readonly type: T;
  readonly data: EventData<T>;
  readonly occurredAt: string;
}
/** A fact of any type of a kind, as a union discriminated by `type`. */
export type FactOfKind<K extends EventKind> = { [T in EventTypeOfKind<K>]: FactOf<T> }[EventTypeOfKind<K>];
export type AnyFact = { [T in EventType]: FactOf<T> }[EventType];

export interface CatalogueEntry {
  readonly type: EventType;
  readonly schemaVersion: number;
  readonly kind: EventKind;
  /** Whether commissioners may submit it (organisation events come only from the national feed). */
  readonly submittable: boolean;
  readonly schema: DescMessage;
}

export const EVENT_CATALOGUE: ReadonlyMap<string, CatalogueEntry> = new Map(
  (Object.keys(CATALOGUE) as EventType[]).map((type) => [type, { type, ...CATALOGUE[type] }]),
);

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(CATALOGUE, type);
}

/** Narrows a fact (or anything typed by its event type) to the types of one kind, by the catalogue. */
export function isOfKind<K extends EventKind, R extends { readonly type: EventType }>(
  value: R,
  kind: K,
): value is Extract<R, { readonly type: EventTypeOfKind<K> }> {
  return CATALOGUE[value.type].kind === kind;
}

export interface ContractError {
  readonly path: string;
  readonly code: 'UNKNOWN_EVENT_TYPE' | 'UNSUPPORTED_SCHEMA_VERSION' | 'INVALID_DATA' | 'MISSING_FIELD';
  readonly message: string;
}

/** An event's type with its data, correlated: narrowing `type` narrows `data`. */
export type TypedData = { [T in EventType]: { readonly type: T; readonly data: EventData<T> } }[EventType];

/** The decoded data, typed by its contract; or one error, or every required field that is missing at once (a sender fixes them in one go). */
export type DecodeResult = ({ readonly ok: true } & TypedData) | { readonly ok: false; readonly errors: readonly ContractError[] };

/** The fields a contract marks `(gpds.options.v1.required)`, per message (read once from the descriptors). */
const requiredFields = new Map<DescMessage, readonly DescField[]>();
export function requiredFieldsOf(schema: DescMessage): readonly DescField[] {
  let fields = requiredFields.get(schema);
  if (!fields) requiredFields.set(schema, (fields = schema.fields.filter((f) => hasOption(f, required) && getOption(f, required))));
  return fields;
}

/**
 * Checks an event's `data` against its protobuf contract (proto3 JSON mapping: camelCase
 * fields, enums by name, unknown fields refused) and returns it normalised: every field
 * present, in the contract's spelling.
 */
export function decodeEventData(type: string, schemaVersion: number, data: unknown): DecodeResult {
  const entry = EVENT_CATALOGUE.get(type);
  if (!entry) {
    return {
      ok: false,
      errors: [{ path: 'type', code: 'UNKNOWN_EVENT_TYPE', message: `Unknown event type '${type}': use one of ${[...EVENT_CATALOGUE.keys()].join(', ')}` }],
    };
  }
  if (schemaVersion !== entry.schemaVersion) {
    return {
      ok: false,
      errors: [
        {
          path: 'schemaVersion',
          code: 'UNSUPPORTED_SCHEMA_VERSION',
          message: `${type} schema version ${schemaVersion} is not supported: the current version is ${entry.schemaVersion}`,
        },
      ],
    };
  }
  // An enum given as "" (an empty CSV cell, a blank form field) is not given: say "required", not "not one of".
  const sent = withoutBlankEnums(entry.schema, data);
  let json: Record<string, JsonValue>;
  try {
    const message = fromJson(entry.schema, sent as JsonValue);
    json = toJson(entry.schema, message, { alwaysEmitImplicit: true }) as Record<string, JsonValue>;
  } catch (error) {
    return { ok: false, errors: [toContractError(entry.schema, error)] };
  }
  const missing = missingRequired(entry.schema, sent as Record<string, unknown>, json);
  // The protobuf runtime has just checked `json` against the contract EventData<type> is derived from.
  return missing.length ? { ok: false, errors: missing } : ({ ok: true, type: entry.type, data: json } as { ok: true } & TypedData);
}

/**
 * An event read back from the store, as the fact its contract says it is: the store holds only
 * what was decoded by its contract before it was appended (and upcast to the current schema on
 * the way out), so its data is trusted here, at the one place the store meets the domain.
 * Undefined for a type the catalogue does not know.
 */
export function storedFact(type: string, data: unknown, occurredAt: string): AnyFact | undefined {
  return isEventType(type) ? ({ type, data, occurredAt } as AnyFact) : undefined;
}

function withoutBlankEnums(schema: DescMessage, data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const record = data as Record<string, unknown>;
  const blank = schema.fields.filter(
    (f) => f.fieldKind === 'enum' && [record[f.jsonName], record[f.name]].some((v) => typeof v === 'string' && v.trim() === ''),
  );
  if (blank.length === 0) return data;
  const copy = { ...record };
  for (const f of blank) {
    delete copy[f.jsonName];
    delete copy[f.name];
  }
  return copy;
}

/**
 * Required fields, checked on the record as sent (a number's presence cannot be seen after
 * decoding: proto3 reads a missing `value` as 0) and on the decoded value (empty text, an enum's
 * zero value and an empty list count as missing).
 */
function missingRequired(schema: DescMessage, sent: Record<string, unknown>, decoded: Record<string, JsonValue>): ContractError[] {
  const errors: ContractError[] = [];
  for (const field of requiredFieldsOf(schema)) {
    const given = sent[field.jsonName] ?? sent[field.name];
    const value = decoded[field.jsonName];
    const empty =
      given === undefined ||
      given === null ||
      (typeof value === 'string' && (value.trim() === '' || (field.fieldKind === 'enum' && field.enum.values[0]?.name === value))) ||
      (Array.isArray(value) && value.length === 0);
    if (empty) {
      const what =
        field.fieldKind === 'enum'
          ? `one of ${field.enum.values
              .filter((v) => v.number !== 0)
              .map((v) => v.name)
              .join(', ')}`
          : field.fieldKind === 'scalar' && field.scalar !== ScalarType.STRING
            ? 'a number'
            : 'a value';
      errors.push({ path: `data.${field.jsonName}`, code: 'MISSING_FIELD', message: `data.${field.jsonName} is required for ${schema.name}: give ${what}` });
    }
  }
  return errors;
}

/** Turns @bufbuild/protobuf's decoding error into a field path and a sentence. */
function toContractError(schema: DescMessage, error: unknown): ContractError {
  const text = error instanceof Error ? error.message : String(error);
  const fail = (path: string, message: string): ContractError => ({ path, code: 'INVALID_DATA', message });
  // 'cannot decode field gpds.events.v1.X.value from JSON: "abc"'
  const field = /cannot decode field [\w.]+\.(\w+) from JSON: (.*)$/.exec(text);
  if (field) {
    const desc = schema.fields.find((f) => f.name === field[1]);
    const json = desc?.jsonName ?? field[1]!;
    const detail = field[2]!.startsWith('expected') ? field[2]! : `${field[2]} is not a valid value for this field`;
    return fail(`data.${json}`, `data.${json}: ${detail}`);
  }
  // 'cannot decode enum gpds.events.v1.BcpOutcome from JSON: "MAYBE"'
  const enumError = /cannot decode enum ([\w.]+) from JSON: (.*)$/.exec(text);
  if (enumError) {
    const desc = schema.fields.find((f) => (f.fieldKind === 'enum' || f.fieldKind === 'list') && f.enum?.typeName === enumError[1]);
    const allowed = desc?.enum?.values.filter((v) => v.number !== 0).map((v) => v.name) ?? [];
    const path = desc ? `data.${desc.jsonName}` : 'data';
    return fail(path, `${path}: ${enumError[2]} is not one of ${allowed.join(', ')}`);
  }
  // 'cannot decode message gpds.events.v1.X from JSON: key "foo" is unknown'
  const unknown = /key "([^"]+)" is unknown/.exec(text);
  if (unknown) {
    return fail(`data.${unknown[1]}`, `data.${unknown[1]} is not a field of ${schema.name}: its fields are ${schema.fields.map((f) => f.jsonName).join(', ')}`);
  }
  if (/from JSON: (Array|null|\d|"|true|false)/.test(text)) return fail('data', `data must be a JSON object with the fields of ${schema.name}`);
  return fail('data', `data does not match ${schema.name}: ${text.replace(/^cannot decode message [\w.]+ from JSON: /, '')}`);
}
