import { ConfigError } from '@gpds/shared-config';
import type { OidcSettings } from './oidc-settings';

/**
 * What the analysts' dashboard needs to sign a person in with NHS CIS2 in the browser (the
 * authorization-code flow with PKCE): all of it public, served as GET /dashboard/config.json. The
 * dashboard is a public client (no secret: a page cannot keep one), so PKCE and the redirect URI
 * registered with the provider are what bind the code to it.
 */
export interface DashboardSignInSettings {
  /** The provider: the issuer the API already trusts (OIDC_ISSUER), so a token the page gets is one the API accepts. */
  readonly issuer: string;
  /** The dashboard's public client id, registered with the provider (DASHBOARD_OIDC_CLIENT_ID). */
  readonly clientId: string;
  /** The scopes the page asks for, space separated (DASHBOARD_OIDC_SCOPES, default `openid`). */
  readonly scopes: string;
  /**
   * The API's audience (OIDC_AUDIENCE), sent as the RFC 8707 `resource` parameter: the access
   * token is then issued for the API (its `aud`), not for the dashboard's client id.
   */
  readonly resource: string;
}

export const DEFAULT_DASHBOARD_SCOPES = 'openid';

/** A client id or scope as RFC 6749 allows them: printable ASCII, no spaces, quotes or backslashes. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const CLIENT_ID = /^[\x21-\x7E]+$/;

/**
 * The dashboard's sign-in settings from the environment, or null when DASHBOARD_OIDC_CLIENT_ID is
 * unset (the page offers API keys only). `oidc` is what oidcSettingsFromEnv read: the dashboard
 * signs in at the issuer the API verifies tokens of, for the API's audience, so a client id
 * without OIDC_ISSUER is a configuration error, named at start rather than found by the first
 * person whose token the API refuses. Throws ConfigError naming the variable and what to do.
 */
export function dashboardSignInFromEnv(env: Readonly<Record<string, string | undefined>>, oidc: OidcSettings | null): DashboardSignInSettings | null {
  const clientId = nonEmpty(env['DASHBOARD_OIDC_CLIENT_ID']);
  const scopesText = nonEmpty(env['DASHBOARD_OIDC_SCOPES']);
  if (clientId === undefined) {
    if (scopesText !== undefined) {
      throw new ConfigError(
        'DASHBOARD_OIDC_SCOPES',
        'is set but DASHBOARD_OIDC_CLIENT_ID is not: set the client id registered for the dashboard to offer NHS CIS2 sign-in, or unset DASHBOARD_OIDC_SCOPES',
      );
    }
    return null;
  }
  if (oidc === null) {
    throw new ConfigError(
      'DASHBOARD_OIDC_CLIENT_ID',
      'is set but OIDC_ISSUER is not: the dashboard signs people in at the provider whose tokens the API accepts; set OIDC_ISSUER (with OIDC_AUDIENCE and OIDC_ROLE_MAP, docs/security.md), or unset DASHBOARD_OIDC_CLIENT_ID to offer API keys only',
    );
  }
  if (!CLIENT_ID.test(clientId)) {
    throw new ConfigError('DASHBOARD_OIDC_CLIENT_ID', `'${clientId}' is not a client id: use the id the provider registered for the dashboard, without spaces`);
  }
  return { issuer: oidc.issuer, clientId, scopes: parseScopes(scopesText), resource: oidc.audience };
}

function parseScopes(text: string | undefined): string {
  if (text === undefined) return DEFAULT_DASHBOARD_SCOPES;
  const scopes = text.split(/[\s,]+/).filter((scope) => scope !== '');
  const bad = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (bad !== undefined) {
    throw new ConfigError(
      'DASHBOARD_OIDC_SCOPES',
      `'${bad}' is not a scope: list the scopes to ask for, separated by spaces or commas, e.g. 'openid profile nationalrbacaccess'`,
    );
  }
  return [...new Set(scopes)].join(' ');
}

function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === '' ? undefined : value;
}
