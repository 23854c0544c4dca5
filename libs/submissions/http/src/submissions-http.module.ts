import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import { apiKeyProviders } from '@gpds/access-http';
import { SUBMISSION_PROCESSOR, SubmitRecordsHandler, type SubmissionProcessor } from '@gpds/submissions';
import { OpenApiController } from './openapi';
import { SUBMISSION_LIMITS, SUBMISSION_OVERSIGHT, SubmissionsController, type SubmissionLimits, type SubmissionOversight } from './submissions.controller';

/**
 * The HTTP submission connector: mount it in any Nest application (the platform, or a connector
 * process of its own). API keys are checked by @gpds/access-http, which also has the admin key
 * routes (AdminKeysModule).
 */
@Module({})
export class SubmissionsHttpModule {
  static register(options: { processor: SubmissionProcessor; keys: ApiKeyStore; limits: SubmissionLimits; oversight?: SubmissionOversight }): DynamicModule {
    return {
      module: SubmissionsHttpModule,
      imports: [CqrsModule.forRoot()],
      controllers: [SubmissionsController, OpenApiController],
      providers: [
        { provide: SUBMISSION_PROCESSOR, useValue: options.processor },
        { provide: SUBMISSION_LIMITS, useValue: options.limits },
        { provide: SUBMISSION_OVERSIGHT, useValue: options.oversight ?? {} },
        ...apiKeyProviders(options.keys),
        SubmitRecordsHandler,
      ],
    };
  }
}
