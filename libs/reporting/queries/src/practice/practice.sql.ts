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
         FROM ${db}.${TABLES.carbonMetrics} WHERE organisation_code = {code:String}
         UNION ALL
         SELECT 'DsptAssessmentPublished', ${provenance}, concat('DSPT ', financial_year, ': ', status)
         FROM ${db}.${TABLES.practiceDsptAssessments} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'DataProtectionOfficerDesignated', ${provenance}, concat('Data Protection Officer from ', toString(designated_on), ': ', provision)
         FROM ${db}.${TABLES.practiceDpoDesignations} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'CasRegistrationRecorded', ${provenance},
                concat('CAS alerts from ', toString(recorded_on), ': ',
                       multiIf(email AND mobile, 'email and mobile', email, 'email only', mobile, 'mobile only', 'not registered'))
         FROM ${db}.${TABLES.practiceCasRegistrations} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'ClinicalSafetyAssessmentRecorded', ${provenance}, concat(standard, ' assessment of ', system, ' on ', toString(assessed_on), ': ', outcome)
         FROM ${db}.${TABLES.practiceClinicalSafetyAssessments} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'ItReviewCompleted', ${provenance}, concat('IT review with ', reviewed_by, ' on ', toString(reviewed_on))
         FROM ${db}.${TABLES.practiceItReviews} WHERE practice_code = {code:String}
         UNION ALL
         SELECT if(change = 'RECORDED', 'LocalClinicalServerRecorded', 'LocalClinicalServerDecommissioned'), ${provenance},
                concat('local clinical server ', server, if(change = 'RECORDED', ' in place on ', ' decommissioned on '), toString(changed_on))
         FROM ${db}.${TABLES.practiceLocalServers} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'RemoteAccessCapacityAssessed', ${provenance},
                concat('remote access (', solution, ') supports ', toString(capacity_percent), '% of normal capacity, assessed on ', toString(assessed_on))
         FROM ${db}.${TABLES.practiceRemoteAccessAssessments} WHERE practice_code = {code:String}
         UNION ALL
         SELECT if(change = 'DETECTED', 'UnsupportedSoftwareDetected', 'UnsupportedSoftwareRemediated'), ${provenance},
                concat('unsupported software ', product, ' on ', asset, ' ', lower(change), ' on ', toString(changed_on),
                       if(end_of_support IS NULL, '', concat(' (support ended ', toString(end_of_support), ')')))
         FROM ${db}.${TABLES.practiceUnsupportedSoftware} WHERE practice_code = {code:String}
         UNION ALL
         SELECT if(change = 'REPORTED', 'CyberIncidentReported', 'CyberIncidentResolved'), ${provenance},
                concat('cyber incident ', incident_id,
                       if(change = 'REPORTED',
                          concat(' (severity ', ifNull(toString(severity), '?'), if(high_severity = 1, ', high severity incident', ''), ')',
                                 if(detected_at IS NULL, '', concat(' detected ', formatDateTime(assumeNotNull(detected_at), '%Y-%m-%d %H:%i'))),
                                 ', reported to ', reported_to),
                          ' resolved'))
         FROM ${db}.${TABLES.cyberIncidents} WHERE organisation_code = {code:String} AND organisation_level = 'PRACTICE'
         UNION ALL
         SELECT 'DataBreachReported', ${provenance},
                concat('data breach ', breach_id, ' detected ', formatDateTime(detected_at, '%Y-%m-%d %H:%i'),
                       multiIf(reported_to_ico_at IS NOT NULL, concat(', reported to the ICO ', formatDateTime(assumeNotNull(reported_to_ico_at), '%Y-%m-%d %H:%i')),
                               reportable_to_ico = 1, ', reportable to the ICO, not reported yet', ', not reportable to the ICO'))
         FROM ${db}.${TABLES.practiceDataBreaches} WHERE practice_code = {code:String}
         UNION ALL
         SELECT if(change = 'LOST', 'RecordAccessLost', 'RecordAccessRestored'), ${provenance},
                concat('access to patient records ', lower(change), if(change = 'LOST', concat(': ', cause), ''),
                       if(bcp_activated = 1, if(change = 'LOST', ', business continuity plan activated', ' (business continuity plan was activated)'), ''))
         FROM ${db}.${TABLES.practiceRecordAccess} WHERE practice_code = {code:String}
         UNION ALL
         SELECT 'SubcontractorAccessApproved', ${provenance},
                concat('sub-contractor ', provider, ' may use ', arrayStringConcat(services, ', '), ', agreed by ', approved_by, ' on ', toString(approved_on),
                       if(data_processing_agreement = 1, ' (data processing agreement in place)', ' (no data processing agreement)'))
         FROM ${db}.${TABLES.practiceSubcontractorApprovals} WHERE practice_code = {code:String})
       ORDER BY occurred_at DESC, event_position DESC LIMIT {limit:UInt32} OFFSET {offset:UInt32}`;
}
