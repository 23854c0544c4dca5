export { projectionHealth, ProjectionsModule } from './projections.module';
