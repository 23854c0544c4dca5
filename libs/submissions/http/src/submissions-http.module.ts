import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import type { SubmissionProcessor } from '@gpds/submissions';
import { AdminKeysController, KEY_ORGANISATIONS, type OrganisationLevelOf } from './admin-keys.controller';
import { API_KEYS, ApiKeyGuard } from '@gpds/access-http';
import { OpenApiController } from './openapi';
import { SUBMISSION_PROCESSOR, SubmitRecordsHandler } from './submit-records.command';
import { SUBMISSION_LIMITS, SubmissionsController, type SubmissionLimits } from './submissions.controller';

/** The HTTP submission connector: mount it in any Nest application (the platform, or a connector process of its own). */
@Module({})
export class SubmissionsHttpModule {
  static register(options: { processor: SubmissionProcessor; keys: ApiKeyStore; limits: SubmissionLimits; organisationLevel: OrganisationLevelOf }): DynamicModule {
    return {
      module: SubmissionsHttpModule,
      imports: [CqrsModule.forRoot()],
      controllers: [SubmissionsController, AdminKeysController, OpenApiController],
      providers: [
        { provide: SUBMISSION_PROCESSOR, useValue: options.processor },
        { provide: API_KEYS, useValue: options.keys },
        { provide: SUBMISSION_LIMITS, useValue: options.limits },
        { provide: KEY_ORGANISATIONS, useValue: options.organisationLevel },
        ApiKeyGuard,
        SubmitRecordsHandler,
      ],
    };
  }
}
