import { ConfigError } from '@gpds/shared-config';
import { dashboardSignInFromEnv } from './dashboard-sign-in';
import { oidcSettingsFromEnv } from './oidc-settings';

const ISSUER = 'https://am.nhsidentity.spineservices.nhs.uk:443/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
const oidcEnv = { OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: 'https://gpds.example/graphql', OIDC_ROLE_MAP: 'R8000=analyst' };

/** The settings as the platform reads them at start: the API's OIDC settings first, then the dashboard's. */
function read(env: Record<string, string>): ReturnType<typeof dashboardSignInFromEnv> {
  return dashboardSignInFromEnv(env, oidcSettingsFromEnv(env));
}

function configError(env: Record<string, string>): ConfigError {
  try {
    read(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('dashboardSignInFromEnv', () => {
  it('is off (null) without DASHBOARD_OIDC_CLIENT_ID, with or without the API accepting tokens', () => {
    expect(read({})).toBeNull();
    expect(read(oidcEnv)).toBeNull();
    expect(read({ ...oidcEnv, DASHBOARD_OIDC_CLIENT_ID: '  ' })).toBeNull();
  });

  it("takes the issuer and the API's audience (as the resource) from the OIDC settings, and asks for openid by default", () => {
    expect(read({ ...oidcEnv, DASHBOARD_OIDC_CLIENT_ID: 'gpds-dashboard' })).toEqual({
      issuer: ISSUER,
      clientId: 'gpds-dashboard',
      scopes: 'openid',
      resource: 'https://gpds.example/graphql',
    });
  });

  it('reads the scopes separated by spaces or commas, once each', () => {
    expect(read({ ...oidcEnv, DASHBOARD_OIDC_CLIENT_ID: 'gpds-dashboard', DASHBOARD_OIDC_SCOPES: 'openid, profile  nationalrbacaccess,openid' })).toMatchObject(
      {
        scopes: 'openid profile nationalrbacaccess',
      },
    );
  });

  it('refuses a client id without OIDC_ISSUER, naming both variables', () => {
    const error = configError({ DASHBOARD_OIDC_CLIENT_ID: 'gpds-dashboard' });
    expect(error.variable).toBe('DASHBOARD_OIDC_CLIENT_ID');
    expect(error.message).toMatch(/^DASHBOARD_OIDC_CLIENT_ID: is set but OIDC_ISSUER is not/);
    expect(error.message).toMatch(/unset DASHBOARD_OIDC_CLIENT_ID/);
  });

  it('refuses scopes without a client id, a client id with spaces, and a scope with a quote', () => {
    expect(configError({ ...oidcEnv, DASHBOARD_OIDC_SCOPES: 'openid' })).toMatchObject({ variable: 'DASHBOARD_OIDC_SCOPES' });
    expect(configError({ ...oidcEnv, DASHBOARD_OIDC_CLIENT_ID: 'gpds dashboard' }).message).toMatch(/not a client id/);
    expect(configError({ ...oidcEnv, DASHBOARD_OIDC_CLIENT_ID: 'x', DASHBOARD_OIDC_SCOPES: 'openid "profile"' }).message).toMatch(
      /^DASHBOARD_OIDC_SCOPES: '"profile"' is not a scope/,
    );
  });
});
