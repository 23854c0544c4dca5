export { SubmissionsHttpModule } from './submissions-http.module';
