export * from './projections.module';
