export { OidcRefusal, type OidcRefusalCode, OidcVerifier, looksLikeJwt } from './oidc-verifier';
export {
  assertAsymmetricAlgorithms,
  DEFAULT_ALGORITHMS,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_JWKS_COOLDOWN_MS,
  type OidcSettings,
  oidcSettingsFromEnv,
} from './oidc-settings';
export { DEFAULT_DASHBOARD_SCOPES, type DashboardSignInSettings, dashboardSignInFromEnv } from './dashboard-sign-in';
