import capabilitiesFile from './data/capabilities.v1.json';
import carbonFile from './data/carbon.v1.json';
import changeDatesFile from './data/hierarchy-change-dates.v1.json';
import metricsFile from './data/metrics.v2.json';

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

/** Dates on which hierarchy changes of a kind are known to take effect (see the file's source). */
export const HIERARCHY_CHANGE_DATES: Readonly<Record<string, readonly string[]>> = changeDatesFile.knownChangeDates;

/** The eight core and mandated patient-facing capabilities (Challenge 5). */
export function patientFacingCapabilities(): string[] {
  return CAPABILITIES.entries.filter((c) => c.group === 'PATIENT_FACING').map((c) => c.code);
}
