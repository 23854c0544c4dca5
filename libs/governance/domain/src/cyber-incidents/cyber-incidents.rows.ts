import { defineTable, rowMapping } from '@gpds/shared-contracts';

/**
 * One row per cyber incident reported and per resolution, at a practice or a commissioner's own
 * systems (occurred_at: when it was reported, or resolved). A resolution states only the
 * incident and its organisation: its severity and detection are on the report's row.
 */
export const CYBER_INCIDENTS = defineTable('cyber_incidents', [
  'organisation_code',
  'organisation_level',
  'incident_id',
  'change',
  'severity',
  'high_severity',
  'detected_at',
  'reported_to',
]);

export const CYBER_INCIDENT_ROWS = [
  rowMapping({
    type: 'CyberIncidentReported',
    table: CYBER_INCIDENTS,
    columns: {
      organisation_code: { text: 'organisationCode' },
      organisation_level: { text: 'organisationLevel' },
      incident_id: { text: 'incidentId' },
      change: { constant: 'REPORTED' },
      // 1 (most severe) to 4; anything else would wrap in the UInt8 column, so it is refused.
      severity: { integer: 'severity', min: 1, max: 4 },
      high_severity: { flag: 'highSeverity' },
      detected_at: { instant: 'detectedAt' },
      reported_to: { text: 'reportedTo' },
    },
  }),
  rowMapping({
    type: 'CyberIncidentResolved',
    table: CYBER_INCIDENTS,
    columns: {
      organisation_code: { text: 'organisationCode' },
      organisation_level: { text: 'organisationLevel' },
      incident_id: { text: 'incidentId' },
      change: { constant: 'RESOLVED' },
      severity: { constant: null },
      high_severity: { constant: 0 },
      detected_at: { constant: null },
      reported_to: { constant: '' },
    },
  }),
] as const;
