export * from './organisation-events';
export * from './organisation-directory';
export * from './mapping-snapshot';
export * from './snapshot-diff';
export { ORGANISATION_CHANGES, ORGANISATION_RELATIONSHIP_CHANGES, ORGANISATION_ROWS } from './organisation.rows';
