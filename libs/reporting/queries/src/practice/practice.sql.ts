import { BI_VIEWS, TABLES } from '@gpds/analytics-clickhouse';

/**
 * The SQL of one practice's read models. Parameters: code, and asOf and knownAt (the state) or
 * limit and offset (the timeline).
 */

/** The agreement in force on {asOf} as known at {knownAt} (the latest to start, when several are). */
export function agreementInForceSql(bi: string): string {
  return `SELECT agreement_id, commissioner_code, toString(term_start) AS term_start, toString(term_end) AS term_end
         FROM ${bi}.${BI_VIEWS.agreementsAt}(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE practice_code = {code:String} AND in_force
         ORDER BY term_start DESC LIMIT 1`;
}

/** The latest business continuity plan review on or before {asOf} as known at {knownAt}. */
export function latestBcpReviewSql(bi: string): string {
  return `SELECT toString(reviewed_on) AS reviewed_on, outcome, reviewed_by
         FROM ${bi}.${BI_VIEWS.bcpLatestReviewAt}(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE practice_code = {code:String}`;
}

/** The capabilities deployed on {asOf} as known at {knownAt}. */
export function deployedCapabilitiesSql(bi: string): string {
  return `SELECT capability, toString(since) AS since, solution, supplier
         FROM ${bi}.${BI_VIEWS.capabilityStatusAt}(as_of = {asOf:Date}, known_at = {knownAt:DateTime64(3)}) WHERE practice_code = {code:String} AND deployed
         ORDER BY capability`;
}

/** Every fact about the practice, newest first, each with its event's provenance, a page at a time. */
export function timelineSql(db: string): string {
  const provenance = `toString(occurred_at) AS occurred_at, toString(recorded_at) AS recorded_at, toString(event_id) AS event_id, event_position, source_system, source_record`;
  return `SELECT *, count() OVER () AS total FROM (
         SELECT event_type AS kind, ${provenance},
                multiIf(event_type = 'OrganisationClosed', concat('closed on ', toString(closed_on), if(successor_code != '', concat(', succeeded by ', successor_code), '')),
                        concat(name, ' (', level, ') from ', toString(effective_from))) AS summary
         FROM ${db}.${TABLES.organisationChanges} WHERE code = {code:String}
         UNION ALL
         SELECT 'OrganisationRelationshipChanged', ${provenance},
                concat(relationship, ' ', parent_code, ' from ', toString(effective_from), if(effective_to IS NULL, '', concat(' to ', toString(effective_to))))
         FROM ${db}.${TABLES.organisationRelationshipChanges} WHERE child_code = {code:String}
         UNION ALL
         SELECT 'OrganisationObserved', ${provenance},
                concat(source, ': ', arrayStringConcat(arrayMap((r, p) -> concat(r, ' ', if(p = '', '(none)', p)), parent_relationships, parent_codes), ', '),
                       ' (', toString(observed_from), if(observed_to IS NULL, '', concat('..', toString(observed_to))), ')')
         FROM ${db}.${TABLES.organisationObservations} WHERE code = {code:String}
         UNION ALL
         SELECT 'OrganisationTimelineResolved', ${provenance},
                concat(name, ' (', level, ')', if(opened_on > toDate('1970-01-01'), concat(' opened ', toString(opened_on)), ''),
                       if(closed_on IS NULL, '', concat(' closed ', toString(closed_on))), if(learned_from != '', concat(', learned from ', learned_from), ''), ': ',
                       arrayStringConcat(arrayMap((r, p, f, t) -> concat(r, ' ', p, if(f > toDate('1970-01-01'), concat(' from ', toString(f)), ''),
                                                                       if(t < toDate('2149-06-06'), concat(' to ', toString(t)), '')),
                                                  parent_relationships, parent_codes, parent_froms, parent_tos), ', '))
         FROM ${db}.${TABLES.organisationTimelines} WHERE code = {code:String}
         UNION ALL
         SELECT if(change = 'SIGNED', 'CcgPracticeAgreementSigned', 'CcgPracticeAgreementTerminated'), ${provenance},
                if(change = 'SIGNED', concat('agreement ', agreement_id, ' with ', commissioner_code, ' for ', toString(term_start), '..', toString(term_end)),
                   concat('agreement ', agreement_id, ' terminated on ', toString(terminated_on), if(reason != '', concat(': ', reason), '')))
         FROM ${db}.${TABLES.practiceAgreements} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'BusinessContinuityPlanReviewed', ${provenance},
                concat('BCP reviewed by ', reviewed_by, ' on ', toString(reviewed_on), ': ', outcome)
         FROM ${db}.${TABLES.practiceBcpReviews} WHERE practice_code = {code:String}
         UNION ALL
         SELECT if(change = 'DEPLOYED', 'CapabilityDeployed', 'CapabilityWithdrawn'), ${provenance},
                concat(capability, ' ', lower(change), ' on ', toString(changed_on), if(solution != '', concat(' (', solution, if(supplier != '', concat(', ', supplier), ''), ')'), ''))
         FROM ${db}.${TABLES.practiceCapabilities} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'UtilisationSampleRecorded', ${provenance},
                concat(capability, ' ', metric, ' ', toString(value), ' for ', toString(period_start), '..', toString(period_end))
         FROM ${db}.${TABLES.utilisationSamples} WHERE organisation_code = {code:String}
         UNION ALL
         SELECT 'CarbonMetricRecorded', ${provenance},
                concat(footprint, ' ', category, ' ', toString(kg_co2e), ' kgCO2e for ', toString(period_start), '..', toString(period_end))
         FROM ${db}.${TABLES.carbonMetrics} WHERE organisation_code = {code:String})
       ORDER BY occurred_at DESC, event_position DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
