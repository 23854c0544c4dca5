export { HierarchyEvidenceModule, type RecordEvidence } from './hierarchy-evidence.controller';
export { SubmissionsHttpModule } from './submissions-http.module';
