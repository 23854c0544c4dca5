import v1 from './data/maturity-index.v1.json';
import v2 from './data/maturity-index.v2.json';

/**
 * The digital maturity index's definitions, as versioned data (src/data/maturity-index.vN.json):
 * which inputs count (compliance rules, enhanced capabilities) with which weights, how unknown
 * inputs are treated. A new version is a new file; every version answers side by side and every
 * answer names the version it used (docs/measures.md).
 */

export type MaturityInputKind = 'RULE' | 'ENHANCED_CAPABILITY';

export interface MaturityInput {
  readonly kind: MaturityInputKind;
  /** A compliance rule id (of `rulesVersion`) or an ENHANCED capability code. */
  readonly id: string;
  /** Its share of the index is weight / the sum of the weights of the inputs known. */
  readonly weight: number;
}

export interface MaturityIndexDefinition {
  readonly version: number;
  readonly title: string;
  readonly source: string;
  /** The version of the compliance rules whose outcomes the RULE inputs are. */
  readonly rulesVersion: number;
  /** The share of the total weight that must be known for a practice to have an index (0: any known input). */
  readonly minimumCoverage: number;
  /** How inputs of unknown value are treated, in words. */
  readonly unknownInputs: string;
  readonly inputs: readonly MaturityInput[];
}

function definition(file: typeof v1): MaturityIndexDefinition {
  const inputs = file.inputs.map((i) => ({ kind: i.kind as MaturityInputKind, id: i.id, weight: i.weight }));
  if (new Set(inputs.map((i) => `${i.kind}/${i.id}`)).size !== inputs.length) throw new Error(`maturity index v${file.version}: an input is named twice`);
  for (const i of inputs) {
    if (i.kind !== 'RULE' && i.kind !== 'ENHANCED_CAPABILITY') throw new Error(`maturity index v${file.version}: ${i.id} has an unknown kind '${i.kind}'`);
    if (!(i.weight > 0)) throw new Error(`maturity index v${file.version}: ${i.id} needs a positive weight (leave an input out instead of weighing it 0)`);
  }
  if (!(file.minimumCoverage >= 0 && file.minimumCoverage <= 1)) throw new Error(`maturity index v${file.version}: minimumCoverage is a share, 0 to 1`);
  return {
    version: file.version,
    title: file.title,
    source: file.source,
    rulesVersion: file.rulesVersion,
    minimumCoverage: file.minimumCoverage,
    unknownInputs: file.unknownInputs,
    inputs,
  };
}

/** Every version of the index, oldest first. */
export const MATURITY_INDEXES: readonly MaturityIndexDefinition[] = [definition(v1), definition(v2)];

/** The version answered when none is asked for: the latest. */
export const LATEST_MATURITY_INDEX: MaturityIndexDefinition = MATURITY_INDEXES[MATURITY_INDEXES.length - 1]!;

export function maturityIndexVersion(version: number): MaturityIndexDefinition | undefined {
  return MATURITY_INDEXES.find((d) => d.version === version);
}

/** An input's value: 1 met, 0 not met, null not known. */
export type InputValue = 0 | 1 | null;

export interface PracticeIndex {
  /** 0 to 100, or null when too little is known (below minimumCoverage, or nothing). */
  readonly index: number | null;
  /** The share of the total weight whose input is known, 0 to 1. */
  readonly coverage: number;
  readonly inputsKnown: number;
}

/**
 * The index of one practice from its inputs' values, in the definition's order: what the SQL
 * computes for every practice (the reporting queries hold the two to the same answers).
 */
export function practiceIndex(definition: MaturityIndexDefinition, values: readonly InputValue[]): PracticeIndex {
  if (values.length !== definition.inputs.length)
    throw new Error(`maturity index v${definition.version} has ${definition.inputs.length} inputs, not ${values.length}`);
  let total = 0;
  let known = 0;
  let met = 0;
  let inputsKnown = 0;
  definition.inputs.forEach((input, i) => {
    total += input.weight;
    const value = values[i];
    if (value === null || value === undefined) return;
    known += input.weight;
    met += input.weight * value;
    inputsKnown += 1;
  });
  const coverage = total > 0 ? known / total : 0;
  const index = known > 0 && coverage >= definition.minimumCoverage ? (100 * met) / known : null;
  return { index, coverage, inputsKnown };
}
