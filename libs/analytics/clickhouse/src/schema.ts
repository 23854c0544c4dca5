import { PROJECTED_TABLES } from '@gpds/analytics';
import { RULE_CATALOGUES } from '@gpds/compliance';
import { complianceViewBodies } from './compliance/compliance-views';
import { hierarchySql } from './hierarchy-sql';
import { incidentViewStatements } from './measures/incident-views';
import { maturityViewStatements } from './measures/maturity-views';
import { netZeroViewStatements } from './measures/net-zero-views';
import type { AnalyticsMigration } from './migrations';
import { BI_VIEWS, DATABASES, MATERIALIZED_VIEWS, TABLES, type BiViewName } from './names';

/**
 * The analytics schema. Base tables are written only by the projector (and rebuilt from the
 * event store at will); roll-ups are kept by materialized views; `bi` holds the views analysts
 * and BI tools read. docs/analytics.md describes every table and view; the reasons for engines,
 * keys and partitions are there and in docs/decisions/0012-analytics-schema.md.
 */

/** The rule catalogue the compliance views of migration 104 evaluate. */
const RULES_V1 = RULE_CATALOGUES.get(1)!;

/** Every projected fact row carries its event's provenance. */
const PROVENANCE = `
  occurred_at DateTime64(3, 'UTC') COMMENT 'when the fact happened (the event metadata occurredAt)',
  recorded_at DateTime64(3, 'UTC') COMMENT 'when the platform stored it (knownAt questions filter on this)',
  event_position UInt64 COMMENT 'the event global position in the event store',
  event_id UUID,
  source_system LowCardinality(String),
  source_record String`;

/** Replayed batches carry the same insert_deduplication_token: the window makes them no-ops. */
const DEDUP = 'SETTINGS non_replicated_deduplication_window = 10000';

/** Roll-up tables, fed by materialized views on the projected tables. */
export const ROLLUP_TABLES = [TABLES.utilisationMonthly, TABLES.carbonMonthly] as const;

/**
 * The tables a rebuild builds afresh and swaps in with EXCHANGE TABLES (materialized views follow
 * by name): what the projector writes, the roll-ups, and the projector's own state.
 */
export const SWAPPED_TABLES = [...PROJECTED_TABLES, ...ROLLUP_TABLES, TABLES.projectorState, TABLES.projectionErrors] as const;

/** Table migrations: applied to the live database and to every rebuild database alike. */
export function tableMigrations(db: string): AnalyticsMigration[] {
  return [
    {
      version: 1,
      name: 'projected tables',
      statements: [
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.organisationChanges} (
          code String, event_type LowCardinality(String), name String, level LowCardinality(String),
          effective_from Date, closed_on Nullable(Date), successor_code String, postcode String, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (code, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.organisationRelationshipChanges} (
          child_code String, relationship LowCardinality(String), parent_code String,
          effective_from Date, effective_to Nullable(Date), ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (child_code, relationship, effective_from, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceAgreements} (
          practice_code String, agreement_id String, change LowCardinality(String), commissioner_code String,
          term_start Nullable(Date), term_end Nullable(Date), terminated_on Nullable(Date), reason String, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, agreement_id, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceBcpReviews} (
          practice_code String, reviewed_by String, reviewed_on Date, outcome LowCardinality(String),
          covers Array(LowCardinality(String)), ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, reviewed_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceCapabilities} (
          capability LowCardinality(String), practice_code String, change LowCardinality(String), changed_on Date,
          solution String, supplier LowCardinality(String), route LowCardinality(String), reason String, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (capability, practice_code, changed_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.utilisationSamples} (
          capability LowCardinality(String), metric LowCardinality(String), period_start Date, period_end Date,
          organisation_code String, organisation_level LowCardinality(String), value Float64, supplier LowCardinality(String), ${PROVENANCE}
        ) ENGINE = MergeTree PARTITION BY toYear(period_start)
          ORDER BY (capability, metric, period_start, organisation_code, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.utilisationMonthly} (
          capability LowCardinality(String), metric LowCardinality(String), month Date,
          organisation_code String, organisation_level LowCardinality(String), value Float64, samples UInt64
        ) ENGINE = SummingMergeTree((value, samples)) PARTITION BY toYear(month)
          ORDER BY (capability, metric, month, organisation_code, organisation_level) ${DEDUP}`,
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${MATERIALIZED_VIEWS.utilisationMonthly} TO ${db}.${TABLES.utilisationMonthly} AS
          SELECT capability, metric, toStartOfMonth(period_start) AS month, organisation_code, organisation_level,
                 sum(value) AS value, count() AS samples
          FROM ${db}.${TABLES.utilisationSamples}
          GROUP BY capability, metric, month, organisation_code, organisation_level`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.carbonMetrics} (
          footprint LowCardinality(String), category LowCardinality(String), period_start Date, period_end Date,
          organisation_code String, organisation_level LowCardinality(String), kg_co2e Float64, method LowCardinality(String), ${PROVENANCE}
        ) ENGINE = MergeTree PARTITION BY toYear(period_start)
          ORDER BY (footprint, period_start, category, organisation_code, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.carbonMonthly} (
          footprint LowCardinality(String), month Date, category LowCardinality(String),
          organisation_code String, organisation_level LowCardinality(String), kg_co2e Float64, metrics UInt64
        ) ENGINE = SummingMergeTree((kg_co2e, metrics)) PARTITION BY toYear(month)
          ORDER BY (footprint, month, category, organisation_code, organisation_level) ${DEDUP}`,
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${MATERIALIZED_VIEWS.carbonMonthly} TO ${db}.${TABLES.carbonMonthly} AS
          SELECT footprint, toStartOfMonth(period_start) AS month, category, organisation_code, organisation_level,
                 sum(kg_co2e) AS kg_co2e, count() AS metrics
          FROM ${db}.${TABLES.carbonMetrics}
          GROUP BY footprint, month, category, organisation_code, organisation_level`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.projectorState} (
          projector LowCardinality(String), seq UInt64, status LowCardinality(String) COMMENT 'pending: rows being written; done: written',
          from_tx UInt64, from_pos UInt64, to_tx UInt64, to_pos UInt64, events UInt64, rows UInt64,
          written_at DateTime64(3, 'UTC') DEFAULT now64(3)
        ) ENGINE = MergeTree ORDER BY (projector, seq)`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.rebuildSwaps} (
          swap_id String, step LowCardinality(String) COMMENT 'started (one row per table, with the rebuilt table uuid) or finished',
          table_name String, rebuilt_uuid UUID, at DateTime64(3, 'UTC') DEFAULT now64(3)
        ) ENGINE = MergeTree ORDER BY (swap_id, step, table_name)`,
      ],
    },
    {
      version: 2,
      name: 'rows ClickHouse refused',
      statements: [
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.projectionErrors} (
          table_name LowCardinality(String), event_position UInt64, error_code String, error String, row String,
          at DateTime64(3, 'UTC') DEFAULT now64(3)
        ) ENGINE = ReplacingMergeTree ORDER BY (table_name, event_position)`,
      ],
    },
    {
      version: 3,
      name: 'exact counts: whole-number samples, 128-bit sums',
      // Utilisation metrics are counts (metrics catalogue v3). A sample is a UInt64, so a value
      // that is not a whole number >= 0 cannot be stored (the projector keeps it in
      // projection_errors instead); the monthly roll-up and every sum over it are UInt128, which
      // no number of accepted samples (each at most a few billion) can overflow. A Float64 sum
      // went to infinity past 1.8e308 and lost whole units past 2^53.
      statements: [
        `DROP VIEW IF EXISTS ${db}.${MATERIALIZED_VIEWS.utilisationMonthly}`,
        `ALTER TABLE ${db}.${TABLES.utilisationSamples} MODIFY COLUMN value UInt64 SETTINGS mutations_sync = 2`,
        `ALTER TABLE ${db}.${TABLES.utilisationMonthly} MODIFY COLUMN value UInt128 SETTINGS mutations_sync = 2`,
        `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${MATERIALIZED_VIEWS.utilisationMonthly} TO ${db}.${TABLES.utilisationMonthly} AS
          SELECT capability, metric, toStartOfMonth(period_start) AS month, organisation_code, organisation_level,
                 sum(toUInt128(value)) AS value, count() AS samples
          FROM ${db}.${TABLES.utilisationSamples}
          GROUP BY capability, metric, month, organisation_code, organisation_level`,
      ],
    },
    {
      version: 4,
      name: 'hierarchy evidence and resolved timelines',
      // Observations and sources are kept as stated (the importer resolves timelines from them);
      // the hierarchy views read the timelines (hierarchy-sql.ts). A source's first day is always
      // given; a missing last day stays NULL rather than a date it never stated.
      statements: [
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.organisationObservations} (
          code String, level LowCardinality(String), name String, evidence LowCardinality(String), source LowCardinality(String),
          observed_from Date, observed_to Nullable(Date),
          parent_relationships Array(LowCardinality(String)), parent_codes Array(String), ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (code, observed_from, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.organisationTimelines} (
          code String, level LowCardinality(String), name String, postcode String,
          opened_on Date COMMENT '1970-01-01: open since records begin', closed_on Nullable(Date),
          parent_relationships Array(LowCardinality(String)), parent_codes Array(String),
          parent_froms Array(Date) COMMENT '1970-01-01: since records begin', parent_tos Array(Date) COMMENT '2149-06-06: still in force',
          learned_from String, observations UInt64, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (code, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.hierarchySources} (
          source String, evidence LowCardinality(String), observed_from Date, observed_to Nullable(Date),
          complete UInt8, organisations UInt64, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (source, event_position) ${DEDUP}`,
      ],
    },
    {
      version: 5,
      name: "the rest of the Operating Model's facts",
      // One append-only log per fact kind, as the earlier governance tables: a practice's (or an
      // organisation's) facts in date order. Where a fact has no day of its own (an incident, a
      // loss of access) the date is occurred_at. Two event types of one kind share a table,
      // told apart by `change`; a column a type does not state is NULL (or '' / 0 where the
      // column is not Nullable), as COMMENTed.
      statements: [
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceDsptAssessments} (
          practice_code String,
          financial_year LowCardinality(String) COMMENT 'YYYY/YY: 2022/23 runs from 1 April 2022 to 31 March 2023',
          status LowCardinality(String), published_on Date, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, published_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceDpoDesignations} (
          practice_code String, provision LowCardinality(String) COMMENT 'who provides the Data Protection Officer (no names)',
          designated_on Date COMMENT 'the day the designation took effect', ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, designated_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceCasRegistrations} (
          practice_code String, email UInt8 COMMENT '1: registered for Central Alerting System email alerts',
          mobile UInt8 COMMENT '1: registered for Central Alerting System mobile phone text alerts',
          recorded_on Date COMMENT 'the registration stands as recorded from this day', ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, recorded_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceClinicalSafetyAssessments} (
          practice_code String, system String COMMENT 'the clinical system or module assessed',
          standard LowCardinality(String) COMMENT 'DCB0129: manufacture (the supplier); DCB0160: deployment and use',
          outcome LowCardinality(String), assessed_on Date COMMENT 'the day it was signed off', ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, assessed_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceItReviews} (
          practice_code String, reviewed_by LowCardinality(String) COMMENT 'the commissioner the review was held with',
          reviewed_on Date, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, reviewed_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceLocalServers} (
          practice_code String, server String COMMENT 'the server id (asset tag) in the sending system',
          change LowCardinality(String) COMMENT 'RECORDED: in place from changed_on; DECOMMISSIONED: switched off on changed_on (in place that day)',
          changed_on Date, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, changed_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceRemoteAccessAssessments} (
          practice_code String, solution LowCardinality(String),
          capacity_percent Float64 COMMENT 'the share of the practice''s normal operational capacity it supports, 0 to 100',
          assessed_on Date, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, assessed_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceUnsupportedSoftware} (
          practice_code String, asset String COMMENT 'the device or server, by its id in the sending system',
          product String COMMENT 'product and version, e.g. Windows 10 22H2',
          change LowCardinality(String) COMMENT 'DETECTED or REMEDIATED (upgraded, replaced or removed) on changed_on',
          changed_on Date, end_of_support Nullable(Date) COMMENT 'the last day of its supplier''s support; NULL on REMEDIATED', ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, changed_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.cyberIncidents} (
          organisation_code String, organisation_level LowCardinality(String) COMMENT 'PRACTICE, or COMMISSIONER for its own systems',
          incident_id String COMMENT 'the incident id in the sending system',
          change LowCardinality(String) COMMENT 'REPORTED or RESOLVED, at occurred_at',
          severity Nullable(UInt8) COMMENT '1 (most severe) to 4; NULL on RESOLVED',
          high_severity UInt8 COMMENT '1: managed as a High Severity Incident; 0 on RESOLVED (see the REPORTED row)',
          detected_at Nullable(DateTime64(3, 'UTC')) COMMENT 'NULL on RESOLVED',
          reported_to LowCardinality(String) COMMENT 'e.g. NHS England CSOC; empty on RESOLVED', ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (organisation_code, occurred_at, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceDataBreaches} (
          practice_code String, breach_id String COMMENT 'the breach keeps its id in every record of it',
          detected_at DateTime64(3, 'UTC') COMMENT 'when the practice became aware of it: the ICO 72 hours run from here',
          reportable_to_ico UInt8 COMMENT '1: it risks the rights and freedoms of individuals, so must be reported to the ICO',
          reported_to_ico_at Nullable(DateTime64(3, 'UTC')) COMMENT 'NULL while not reported (as of this record)',
          recorded_on Date COMMENT 'the day of this record: a later record of the breach may add its report', ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, recorded_on, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceRecordAccess} (
          practice_code String, change LowCardinality(String) COMMENT 'LOST or RESTORED, at occurred_at',
          cause LowCardinality(String) COMMENT 'why access was lost; empty on RESTORED',
          bcp_activated UInt8 COMMENT '1: the business continuity plan was activated (on RESTORED: during the loss, the final word)', ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, occurred_at, event_position) ${DEDUP}`,
        `CREATE TABLE IF NOT EXISTS ${db}.${TABLES.practiceSubcontractorApprovals} (
          practice_code String, provider String COMMENT 'the sub-contracted provider, e.g. its ODS code or name',
          services Array(String) COMMENT 'the Operating Model services it may use',
          data_processing_agreement UInt8 COMMENT '1: a GDPR Article 28 agreement between the practice and the provider is in place',
          approved_by LowCardinality(String) COMMENT 'the commissioner that agreed', approved_on Date, ${PROVENANCE}
        ) ENGINE = MergeTree ORDER BY (practice_code, approved_on, event_position) ${DEDUP}`,
      ],
    },
  ];
}

/** `bi` views read the live database; they run as their definer, so a reader needs SELECT on `bi` only. */
export function biMigrations(db: string, bi: string = DATABASES.bi): AnalyticsMigration[] {
  const view = (name: BiViewName, body: string): string => `CREATE OR REPLACE VIEW ${bi}.${name} DEFINER = CURRENT_USER SQL SECURITY DEFINER AS ${body}`;
  const hierarchy = hierarchySql(db);
  return [
    {
      version: 101,
      name: 'bi views',
      statements: [
        `CREATE DATABASE IF NOT EXISTS ${bi}`,
        view(
          BI_VIEWS.organisations,
          `SELECT code,
             argMaxIf(name, event_position, event_type IN ('OrganisationRegistered', 'OrganisationRenamed')) AS name,
             anyIf(level, event_type = 'OrganisationRegistered') AS level,
             minIf(effective_from, event_type = 'OrganisationRegistered') AS opened_on,
             minIf(closed_on, event_type = 'OrganisationClosed') AS closed_on,
             argMaxIf(successor_code, event_position, event_type = 'OrganisationClosed') AS successor_code,
             anyIf(postcode, event_type = 'OrganisationRegistered') AS postcode
           FROM ${db}.${TABLES.organisationChanges} GROUP BY code`,
        ),
        view(
          BI_VIEWS.organisationRelationships,
          `SELECT r.child_code AS child_code, r.relationship AS relationship, r.parent_code AS parent_code, r.valid_from AS valid_from,
             least(ifNull(r.effective_to, toDate('2149-06-06')), r.next_from, ifNull(c.closed_on, toDate('2149-06-06'))) AS valid_to
           FROM (
             SELECT child_code, relationship, parent_code, effective_from AS valid_from, effective_to,
               leadInFrame(effective_from, 1, toDate('2149-06-06')) OVER (
                 PARTITION BY child_code, relationship ORDER BY effective_from, event_position
                 ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_from
             FROM ${db}.${TABLES.organisationRelationshipChanges}
           ) AS r
           LEFT JOIN (SELECT code, minIf(closed_on, event_type = 'OrganisationClosed') AS closed_on
                      FROM ${db}.${TABLES.organisationChanges} GROUP BY code) AS c ON c.code = r.child_code
           WHERE r.parent_code != '' AND r.valid_from < valid_to`,
        ),
        view(
          BI_VIEWS.organisationHierarchy,
          `WITH
             rel AS (SELECT child_code, relationship, parent_code FROM ${bi}.${BI_VIEWS.organisationRelationships}
                     WHERE valid_from <= {on_date:Date} AND {on_date:Date} < valid_to),
             c2i AS (SELECT child_code AS commissioner, any(parent_code) AS icb FROM rel WHERE relationship = 'PART_OF_ICB' GROUP BY child_code),
             i2r AS (SELECT child_code AS icb, any(parent_code) AS region FROM rel WHERE relationship = 'IN_REGION' GROUP BY child_code),
             practices AS (
               SELECT p.code AS code, p.pcn AS pcn, p.commissioner AS commissioner, c.icb AS icb, r.region AS region
               FROM (SELECT child_code AS code, anyIf(parent_code, relationship = 'MEMBER_OF_PCN') AS pcn,
                            anyIf(parent_code, relationship = 'COMMISSIONED_BY') AS commissioner
                     FROM rel WHERE relationship IN ('MEMBER_OF_PCN', 'COMMISSIONED_BY') GROUP BY child_code) AS p
               LEFT JOIN c2i AS c ON c.commissioner = p.commissioner
               LEFT JOIN i2r AS r ON r.icb = c.icb),
             lineage AS (
               SELECT code, 'PRACTICE' AS level, pcn AS pcn_code, commissioner AS commissioner_code, icb AS icb_code, region AS region_code FROM practices
               UNION ALL
               SELECT pcn, 'PCN', pcn, commissioner, icb, region FROM (
                 SELECT pcn, commissioner, any(icb) AS icb, any(region) AS region, count() AS members
                 FROM practices WHERE pcn != '' GROUP BY pcn, commissioner)
               ORDER BY pcn, members DESC, commissioner LIMIT 1 BY pcn
               UNION ALL
               SELECT c.commissioner, 'COMMISSIONER', '', c.commissioner, c.icb, r.region FROM c2i AS c LEFT JOIN i2r AS r ON r.icb = c.icb
               UNION ALL
               SELECT icb, 'ICB', '', '', icb, region FROM i2r
               UNION ALL
               SELECT code, 'REGION', '', '', '', code FROM ${bi}.${BI_VIEWS.organisations}
               WHERE level = 'REGION' AND opened_on <= {on_date:Date} AND (closed_on IS NULL OR {on_date:Date} < closed_on)
               UNION ALL
               SELECT 'ENG', 'NATIONAL', '', '', '', '')
           SELECT l.code AS code, l.level AS level, o.name AS name, l.pcn_code AS pcn_code, l.commissioner_code AS commissioner_code,
                  l.icb_code AS icb_code, l.region_code AS region_code, 'ENG' AS national_code
           FROM lineage AS l LEFT JOIN ${bi}.${BI_VIEWS.organisations} AS o ON o.code = l.code`,
        ),
        view(
          BI_VIEWS.utilisationSamples,
          `SELECT capability, metric, period_start, period_end, toStartOfMonth(period_start) AS month, organisation_code, organisation_level,
                  value, supplier, occurred_at, recorded_at, event_position, event_id, source_system, source_record
           FROM ${db}.${TABLES.utilisationSamples}`,
        ),
        view(
          BI_VIEWS.utilisationMonthly,
          `SELECT capability, metric, month, organisation_code, organisation_level, sum(value) AS value, sum(samples) AS samples
           FROM ${db}.${TABLES.utilisationMonthly} GROUP BY capability, metric, month, organisation_code, organisation_level`,
        ),
        view(
          BI_VIEWS.carbonMetrics,
          `SELECT footprint, category, period_start, period_end, toStartOfMonth(period_start) AS month, organisation_code, organisation_level,
                  kg_co2e, method, occurred_at, recorded_at, event_position, event_id, source_system, source_record
           FROM ${db}.${TABLES.carbonMetrics}`,
        ),
        view(
          BI_VIEWS.carbonMonthly,
          `SELECT footprint, month, category, organisation_code, organisation_level, sum(kg_co2e) AS kg_co2e, sum(metrics) AS metrics
           FROM ${db}.${TABLES.carbonMonthly} GROUP BY footprint, month, category, organisation_code, organisation_level`,
        ),
        view(BI_VIEWS.agreementEvents, `SELECT * FROM ${db}.${TABLES.practiceAgreements}`),
        view(BI_VIEWS.agreementsAt, agreementsSql(db, `WHERE a.recorded_at <= {known_at:DateTime64(3)}`, '{as_of:Date}')),
        view(BI_VIEWS.agreements, agreementsSql(db, '', 'today()')),
        view(BI_VIEWS.bcpReviews, `SELECT * FROM ${db}.${TABLES.practiceBcpReviews}`),
        view(BI_VIEWS.bcpLatestReviewAt, bcpLatestSql(db, `WHERE reviewed_on <= {as_of:Date} AND recorded_at <= {known_at:DateTime64(3)}`)),
        view(BI_VIEWS.bcpLatestReview, bcpLatestSql(db, '')),
        view(BI_VIEWS.capabilityChanges, `SELECT * FROM ${db}.${TABLES.practiceCapabilities}`),
        view(BI_VIEWS.capabilityStatusAt, capabilityStatusSql(db, `WHERE changed_on <= {as_of:Date} AND recorded_at <= {known_at:DateTime64(3)}`)),
        view(BI_VIEWS.capabilityStatus, capabilityStatusSql(db, '')),
        view(
          BI_VIEWS.projectionErrors,
          `SELECT table_name, event_position, error_code, error, row, max(at) AS at FROM ${db}.${TABLES.projectionErrors}
           GROUP BY table_name, event_position, error_code, error, row`,
        ),
        view(
          BI_VIEWS.projectionStatus,
          `SELECT projector, argMax(to_tx, seq) AS transaction_id, argMax(to_pos, seq) AS global_position,
                  sumIf(events, status = 'done') AS events_projected, max(written_at) AS last_batch_at
           FROM ${db}.${TABLES.projectorState} GROUP BY projector`,
        ),
      ],
    },
    {
      version: 102,
      name: 'hierarchy from resolved timelines, IN_ICB; evidence views',
      // The hierarchy views' SQL is hierarchySql's, which the reporting API's hierarchy cache also
      // runs as known at a time: the two cannot drift apart.
      statements: [
        view(BI_VIEWS.organisations, hierarchy.organisations),
        view(BI_VIEWS.organisationRelationships, hierarchy.organisationRelationships),
        view(BI_VIEWS.organisationHierarchy, hierarchy.organisationHierarchy),
        view(BI_VIEWS.organisationObservations, `SELECT * FROM ${db}.${TABLES.organisationObservations}`),
        view(BI_VIEWS.hierarchySources, `SELECT * FROM ${db}.${TABLES.hierarchySources}`),
      ],
    },
    {
      version: 103,
      name: 'Operating Model fact views',
      // Each table of migration 5 as projected; the state and compliance views read them.
      statements: [
        view(BI_VIEWS.dsptAssessments, `SELECT * FROM ${db}.${TABLES.practiceDsptAssessments}`),
        view(BI_VIEWS.dpoDesignations, `SELECT * FROM ${db}.${TABLES.practiceDpoDesignations}`),
        view(BI_VIEWS.casRegistrations, `SELECT * FROM ${db}.${TABLES.practiceCasRegistrations}`),
        view(BI_VIEWS.clinicalSafetyAssessments, `SELECT * FROM ${db}.${TABLES.practiceClinicalSafetyAssessments}`),
        view(BI_VIEWS.itReviews, `SELECT * FROM ${db}.${TABLES.practiceItReviews}`),
        view(BI_VIEWS.localServerChanges, `SELECT * FROM ${db}.${TABLES.practiceLocalServers}`),
        view(BI_VIEWS.remoteAccessAssessments, `SELECT * FROM ${db}.${TABLES.practiceRemoteAccessAssessments}`),
        view(BI_VIEWS.unsupportedSoftwareChanges, `SELECT * FROM ${db}.${TABLES.practiceUnsupportedSoftware}`),
        view(BI_VIEWS.cyberIncidentChanges, `SELECT * FROM ${db}.${TABLES.cyberIncidents}`),
        view(BI_VIEWS.dataBreaches, `SELECT * FROM ${db}.${TABLES.practiceDataBreaches}`),
        view(BI_VIEWS.recordAccessChanges, `SELECT * FROM ${db}.${TABLES.practiceRecordAccess}`),
        view(BI_VIEWS.subcontractorApprovals, `SELECT * FROM ${db}.${TABLES.practiceSubcontractorApprovals}`),
      ],
    },
    {
      version: 104,
      name: 'compliance with the Operating Model (rules v1); agreements per practice',
      // The compliance views run practiceComplianceSql, the SQL the reporting API runs (ADR 0025),
      // with the rules of catalogue version 1. A new version of the rules is a new migration.
      // The agreement views now tell agreements apart per practice: two commissioners may both
      // number their agreements AG-001.
      statements: (() => {
        const compliance = complianceViewBodies(db, bi, RULES_V1);
        return [
          view(BI_VIEWS.agreementsAt, agreementsPerPracticeSql(db, `WHERE a.recorded_at <= {known_at:DateTime64(3)}`, '{as_of:Date}')),
          view(BI_VIEWS.agreements, agreementsPerPracticeSql(db, '', 'today()')),
          view(BI_VIEWS.complianceRules, compliance.rules),
          view(BI_VIEWS.complianceAt, compliance.outcomes),
          view(BI_VIEWS.complianceByOrganisationAt, compliance.byOrganisation),
        ];
      })(),
    },
    {
      version: 105,
      name: 'national measures: digital maturity index (v1, v2), Net Zero trajectory, incidents',
      // Each measure's views run the SQL the reporting API runs for it (docs/measures.md).
      statements: [...maturityViewStatements(db, bi), ...netZeroViewStatements(db, bi), ...incidentViewStatements(db, bi)],
    },
  ];
}

function agreementsPerPracticeSql(db: string, where: string, asOf: string): string {
  return `SELECT agreement_id, practice_code, commissioner_code, signed_on, term_start, term_end, terminated_on, recorded_at,
            signed_on <= ${asOf} AND term_start <= ${asOf} AND ${asOf} <= term_end AND (terminated_on IS NULL OR ${asOf} < terminated_on) AS in_force
          FROM (
            SELECT a.practice_code AS practice_code, a.agreement_id AS agreement_id,
              anyIf(a.commissioner_code, a.change = 'SIGNED') AS commissioner_code,
              toDate(minIf(a.occurred_at, a.change = 'SIGNED')) AS signed_on,
              assumeNotNull(minIf(a.term_start, a.change = 'SIGNED')) AS term_start,
              assumeNotNull(maxIf(a.term_end, a.change = 'SIGNED')) AS term_end,
              minIf(a.terminated_on, a.change = 'TERMINATED') AS terminated_on,
              max(a.recorded_at) AS recorded_at
            FROM ${db}.${TABLES.practiceAgreements} AS a ${where}
            GROUP BY a.practice_code, a.agreement_id HAVING countIf(a.change = 'SIGNED') > 0)`;
}

/** Migration 101's agreement views, as applied (by agreement id only; 104 replaces them with agreementsPerPracticeSql's). */
function agreementsSql(db: string, where: string, asOf: string): string {
  return `SELECT agreement_id, practice_code, commissioner_code, signed_on, term_start, term_end, terminated_on, recorded_at,
            signed_on <= ${asOf} AND term_start <= ${asOf} AND ${asOf} <= term_end AND (terminated_on IS NULL OR ${asOf} < terminated_on) AS in_force
          FROM (
            SELECT agreement_id,
              anyIf(a.practice_code, a.change = 'SIGNED') AS practice_code,
              anyIf(a.commissioner_code, a.change = 'SIGNED') AS commissioner_code,
              toDate(minIf(a.occurred_at, a.change = 'SIGNED')) AS signed_on,
              assumeNotNull(minIf(a.term_start, a.change = 'SIGNED')) AS term_start,
              assumeNotNull(maxIf(a.term_end, a.change = 'SIGNED')) AS term_end,
              minIf(a.terminated_on, a.change = 'TERMINATED') AS terminated_on,
              max(a.recorded_at) AS recorded_at
            FROM ${db}.${TABLES.practiceAgreements} AS a ${where}
            GROUP BY agreement_id HAVING countIf(a.change = 'SIGNED') > 0)`;
}

function bcpLatestSql(db: string, where: string): string {
  return `SELECT practice_code, latest.1 AS reviewed_on, latest.2 AS outcome, latest.3 AS reviewed_by, latest.4 AS covers, latest.5 AS recorded_at
          FROM (SELECT practice_code,
                  argMax((reviewed_on, outcome, reviewed_by, covers, recorded_at), (reviewed_on, event_position)) AS latest
                FROM ${db}.${TABLES.practiceBcpReviews} ${where} GROUP BY practice_code)`;
}

function capabilityStatusSql(db: string, where: string): string {
  return `SELECT capability, practice_code, latest.1 = 'DEPLOYED' AS deployed, latest.2 AS since, latest.3 AS solution,
            latest.4 AS supplier, latest.5 AS route, latest.6 AS recorded_at
          FROM (SELECT capability, practice_code,
                  argMax((change, changed_on, solution, supplier, route, recorded_at), (changed_on, event_position)) AS latest
                FROM ${db}.${TABLES.practiceCapabilities} ${where} GROUP BY capability, practice_code)`;
}
