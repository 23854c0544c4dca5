export {
  CAPABILITIES,
  CARBON_CATEGORIES,
  CARBON_FOOTPRINTS,
  carbonCeiling,
  HIERARCHY_CHANGE_DATES,
  metricCeiling,
  METRICS,
  patientFacingCapabilities,
} from './reference-data';
