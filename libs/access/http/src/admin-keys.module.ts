import { Module, type DynamicModule } from '@nestjs/common';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import { AdminKeysController, KEY_ORGANISATIONS, type OrganisationLevelOf } from './admin-keys.controller';
import { apiKeyProviders } from './auth';

/** The admin key routes (/v1/admin/keys): mount it in the process that serves them (the platform). */
@Module({})
export class AdminKeysModule {
  /** `organisationLevel`: the level of an organisation in the reference data, for the checks on new keys. */
  static register(options: { keys: ApiKeyStore; organisationLevel: OrganisationLevelOf }): DynamicModule {
    return {
      module: AdminKeysModule,
      controllers: [AdminKeysController],
      providers: [...apiKeyProviders(options.keys), { provide: KEY_ORGANISATIONS, useValue: options.organisationLevel }],
    };
  }
}
