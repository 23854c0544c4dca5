import { Module, type DynamicModule } from '@nestjs/common';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import { AdminKeysController, KEY_CHANGES, KEY_ORGANISATIONS, type OnKeyChange, type OrganisationLevelOf } from './admin-keys.controller';
import { apiKeyProviders } from './auth';

/** The admin key routes (/v1/admin/keys): mount it in the process that serves them (the platform). */
@Module({})
export class AdminKeysModule {
  /**
   * `organisationLevel`: the level of an organisation in the reference data, for the checks on
   * new keys and scopes. `onKeyChange`: told of every key created, rotated or revoked (the audit
   * trail), after the change is stored.
   */
  static register(options: { keys: ApiKeyStore; organisationLevel: OrganisationLevelOf; onKeyChange?: OnKeyChange }): DynamicModule {
    const onKeyChange: OnKeyChange = options.onKeyChange ?? (() => undefined);
    return {
      module: AdminKeysModule,
      controllers: [AdminKeysController],
      providers: [
        ...apiKeyProviders(options.keys),
        { provide: KEY_ORGANISATIONS, useValue: options.organisationLevel },
        { provide: KEY_CHANGES, useValue: onKeyChange },
      ],
    };
  }
}
