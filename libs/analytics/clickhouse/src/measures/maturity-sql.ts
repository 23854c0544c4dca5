import type { ComplianceRule } from '@gpds/compliance';
import type { MaturityIndexDefinition } from '@gpds/shared-reference-data';
import type { ComplianceAt } from '../compliance/compliance-sql';
import { TABLES } from '../names';

/**
 * The digital maturity index of every practice in `outcomes`, as one SQL expression per input
 * (docs/measures.md): the SQL the reporting API and the `bi` maturity views both run, so the two
 * cannot drift apart; `practiceIndex` in @gpds/shared-reference-data is its definition in
 * TypeScript, and the reporting tests hold the two to the same answers.
 *
 * - A RULE input is the practice's compliance outcome: COMPLIANT 1, NON_COMPLIANT 0, UNKNOWN null.
 * - An ENHANCED_CAPABILITY input is 1 when the capability is deployed on asOf, 0 when it is not;
 *   null when the practice has no capability fact at all (of any capability) as known at knownAt:
 *   its commissioner sends none, so absence says nothing.
 * - index = 100 x (sum of the weights of the inputs met) / (sum of the weights of the inputs
 *   known), when the known weight is at least `minimumCoverage` of the whole (and above 0);
 *   coverage = known weight / whole weight.
 * - patients: the practice's registered list size (REGISTERED_PATIENTS) nearest the date, as known
 *   at knownAt: the latest with a period starting on or before asOf, or, when a later one is nearer
 *   (a practice whose first published list size comes after the date), that one; 0 when it has
 *   none (then it has no weight in a patient-weighted mean). A weight only counts relative to the
 *   other practices', and list sizes move slowly: the nearest is the best estimate of the day's.
 */
export interface MaturitySqlOptions {
  readonly db: string;
  readonly definition: MaturityIndexDefinition;
  /** The rules of the definition's rulesVersion, in catalogue order: outcome column o<i> is rule i. */
  readonly catalogue: readonly ComplianceRule[];
  /** A subquery with `code` (a practice) and its outcome columns o<i>, and the `carry` columns. */
  readonly outcomes: string;
  readonly at: ComplianceAt;
  readonly carry?: readonly string[];
}

/**
 * The utilisation samples the index reads (as its weight, a practice's list size): the only rows
 * of that table it depends on, so a read model of the index is stale only when one of these arrives.
 */
export const LIST_SIZE_SAMPLES = `capability = 'ONLINE_CONSULTATION' AND metric = 'REGISTERED_PATIENTS' AND organisation_level = 'PRACTICE'`;

/** Columns: code, the carried ones, input_values Array(Nullable(UInt8)) in the definition's order, coverage, inputs_known, maturity_index (Nullable), patients. */
export function practiceMaturitySql(options: MaturitySqlOptions): string {
  const { db, definition, catalogue, at } = options;
  const capabilities = definition.inputs.filter((i) => i.kind === 'ENHANCED_CAPABILITY').map((i) => i.id);
  const values = definition.inputs.map((input) => {
    if (input.kind === 'RULE') {
      const k = catalogue.findIndex((r) => r.id === input.id);
      if (k < 0) throw new Error(`maturity index v${definition.version}: ${input.id} is not a rule of compliance rules v${definition.rulesVersion}`);
      return `multiIf(e.o${k} = 'COMPLIANT', toNullable(toUInt8(1)), e.o${k} = 'NON_COMPLIANT', toNullable(toUInt8(0)), NULL)`;
    }
    return `if(c.has_facts = 1, toNullable(c.cap${capabilities.indexOf(input.id)}), NULL)`;
  });
  const weights = `[${definition.inputs.map((i) => `toFloat64(${i.weight})`).join(', ')}]`;
  const whole = definition.inputs.reduce((sum, i) => sum + i.weight, 0);
  const carried = (options.carry ?? []).map((c) => `e.${c} AS ${c}, `).join('');
  const deployed = capabilities.map((code, j) => `toUInt8(maxIf(deployed, capability = '${code}')) AS cap${j}`);
  return `
SELECT code, ${(options.carry ?? []).map((c) => `${c}, `).join('')}input_values, known_weight / ${whole} AS coverage,
       toUInt32(arrayCount(v -> v IS NOT NULL, input_values)) AS inputs_known,
       if(known_weight > 0 AND known_weight >= ${definition.minimumCoverage} * ${whole}, 100 * met_weight / known_weight, NULL) AS maturity_index,
       patients
FROM (
  SELECT e.code AS code, ${carried}[${values.join(', ')}] AS input_values,
         arraySum(arrayMap((v, w) -> if(v IS NULL, 0, w), input_values, ${weights})) AS known_weight,
         arraySum(arrayMap((v, w) -> ifNull(v, 0) * w, input_values, ${weights})) AS met_weight,
         toFloat64(l.patients) AS patients
  FROM (${options.outcomes}) AS e
  LEFT JOIN (
    SELECT practice_code, toUInt8(1) AS has_facts${deployed.map((d) => `, ${d}`).join('')}
    FROM (SELECT practice_code, capability, argMax(change, (changed_on, event_position)) = 'DEPLOYED' AS deployed
          FROM ${db}.${TABLES.practiceCapabilities}
          WHERE changed_on <= ${at.asOf} AND recorded_at <= ${at.knownAt}
          GROUP BY practice_code, capability)
    GROUP BY practice_code
  ) AS c ON c.practice_code = e.code
  LEFT JOIN (
    SELECT organisation_code,
           argMin(value, (abs(dateDiff('day', period_start, ${at.asOf})), period_start > ${at.asOf}, -event_position)) AS patients
    FROM ${db}.${TABLES.utilisationSamples}
    WHERE ${LIST_SIZE_SAMPLES}
      AND recorded_at <= ${at.knownAt}
    GROUP BY organisation_code
  ) AS l ON l.organisation_code = e.code
)`;
}
