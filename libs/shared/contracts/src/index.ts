export * from './event-catalogue';
export * from './gen/gpds/submission/v1/submission_pb';
export * from './gen/gpds/events/v1/organisation_pb';
export * from './gen/gpds/events/v1/governance_pb';
export * from './gen/gpds/events/v1/measurement_pb';
