import capabilitiesFile from './data/capabilities.v1.json';
import carbonFile from './data/carbon.v2.json';
import changeDatesFile from './data/hierarchy-change-dates.v1.json';
import metricsFile from './data/metrics.v3.json';

/**
 * Reference data as versioned data files (src/data/*.vN.json), not code: a new version is a new
 * file, and every answer can say which version it used.
 */
export type Provision = 'CORE_MANDATED' | 'ENHANCED';
export type CapabilityGroup = 'PATIENT_FACING' | 'FOUNDATION' | 'INFRASTRUCTURE' | 'ENHANCED';

export interface Capability {
  readonly code: string;
  readonly name: string;
  readonly provision: Provision;
  readonly group: CapabilityGroup;
}

export interface Metric {
  readonly code: string;
  readonly name: string;
  readonly capability: string;
  readonly unit: string;
}

/** The organisation levels a measurement can be attached to. */
export type MeasuredLevel = 'PRACTICE' | 'PCN' | 'COMMISSIONER' | 'ICB' | 'REGION' | 'NATIONAL';

/** What values a unit allows: whole numbers or not, and the largest per level (per day of the period, or per sample). */
export interface UnitLimits {
  readonly integral: boolean;
  readonly ceiling: 'perDay' | 'perSample';
  readonly note: string;
  readonly maximum: Readonly<Record<MeasuredLevel, number>>;
}

export interface CarbonCategory {
  readonly code: string;
  readonly name: string;
  readonly footprint: string;
}

export interface Catalogue<T> {
  readonly version: number;
  readonly source: string;
  readonly entries: readonly T[];
  get(code: string): T | undefined;
  has(code: string): boolean;
  codes(): string[];
}

function catalogue<T extends { code: string }>(version: number, source: string, entries: readonly T[]): Catalogue<T> {
  const byCode = new Map(entries.map((e) => [e.code, e]));
  if (byCode.size !== entries.length) throw new Error('Duplicate code in a reference data file');
  return {
    version,
    source,
    entries,
    get: (code) => byCode.get(code),
    has: (code) => byCode.has(code),
    codes: () => [...byCode.keys()],
  };
}

export const CAPABILITIES: Catalogue<Capability> = catalogue(capabilitiesFile.version, capabilitiesFile.source, capabilitiesFile.capabilities as Capability[]);
export const METRICS: Catalogue<Metric> = catalogue(metricsFile.version, metricsFile.source, metricsFile.metrics);
export const CARBON_CATEGORIES: Catalogue<CarbonCategory> = catalogue(carbonFile.version, carbonFile.source, carbonFile.categories);
export const CARBON_FOOTPRINTS = carbonFile.footprints;

const METRIC_UNITS = metricsFile.units as Readonly<Record<string, UnitLimits>>;
for (const m of METRICS.entries) if (!METRIC_UNITS[m.unit]) throw new Error(`Metric ${m.code} has unit '${m.unit}', which the metrics file does not define`);

/** The largest magnitude a measurement may have, from the limits of the reference data (see the files' notes). */
export interface ValueCeiling {
  readonly integral: boolean;
  readonly maximum: number;
  /** How the maximum was reached, for a person reading the rejection. */
  readonly basis: string;
}

function ceilingOf(limits: UnitLimits, level: string, days: number, what: string): ValueCeiling | undefined {
  const perLevel = limits.maximum[level as MeasuredLevel];
  if (perLevel === undefined) return undefined;
  const maximum = limits.ceiling === 'perDay' ? perLevel * days : perLevel;
  const basis =
    limits.ceiling === 'perDay'
      ? `${perLevel.toLocaleString('en-GB')} ${what} a day for a ${level} over ${days} day(s)`
      : `${perLevel.toLocaleString('en-GB')} ${what} for a ${level}`;
  return { integral: limits.integral, maximum, basis };
}

/** The ceiling of a metric's sample for an organisation level and a period of `days` days; undefined for an unknown metric or level. */
export function metricCeiling(metric: string, level: string, days: number): ValueCeiling | undefined {
  const m = METRICS.get(metric);
  return m ? ceilingOf(METRIC_UNITS[m.unit]!, level, days, m.unit === 'count' ? `counts of ${m.code}` : m.unit) : undefined;
}

/** The ceiling of a carbon metric's kgCO2e (either sign) for an organisation level and a period of `days` days. */
export function carbonCeiling(level: string, days: number): ValueCeiling | undefined {
  return ceilingOf({ ...carbonFile.limits, integral: false } as UnitLimits, level, days, 'kgCO2e');
}

/** Dates on which hierarchy changes of a kind are known to take effect (see the file's source). */
export const HIERARCHY_CHANGE_DATES: Readonly<Record<string, readonly string[]>> = changeDatesFile.knownChangeDates;

/** The eight core and mandated patient-facing capabilities (Challenge 5). */
export function patientFacingCapabilities(): string[] {
  return CAPABILITIES.entries.filter((c) => c.group === 'PATIENT_FACING').map((c) => c.code);
}
