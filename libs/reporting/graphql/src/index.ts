export { ReportingGraphqlModule } from './reporting-graphql.module';
