import { ConfigError } from '@gpds/shared-config';
import { ENGLAND, type Principal, type Role } from './principal';

/** One line of the role map: a role or activity code (or, for other providers, a role name) and the platform role it gives. */
export interface RoleMapping {
  readonly match: string;
  readonly role: Role;
}

/**
 * How a signed-in user's token claims become a principal (docs/security.md, "Configuring NHS
 * CIS2"). Read from the environment by parseClaimMapping; the defaults fit NHS CIS2
 * Authentication.
 */
export interface ClaimMapping {
  /** The claim holding the user's roles (OIDC_ROLES_CLAIM, default `nhsid_nrbac_roles`, CIS2's RBAC roles). */
  readonly rolesClaim: string;
  /**
   * Which codes give which role (OIDC_ROLE_MAP, no default). A CIS2 role entry matches when its
   * whole `role_code`, one of its colon-separated parts or one of its `activity_codes` equals
   * `match`; a plain string role matches when it equals `match`. Never `submitter`: submitting is
   * for machines with API keys.
   */
  readonly roleMap: readonly RoleMapping[];
  /** The field of a CIS2 role entry naming the organisation the role is held at (OIDC_ORGANISATION_FIELD, default `org_code`). */
  readonly organisationField: string;
  /**
   * For providers whose roles claim is a plain string or list of strings: the claim naming the
   * user's organisation (OIDC_ORGANISATION_CLAIM, e.g. `gpds_scope`; unset by default, as CIS2
   * carries the organisation in each role entry).
   */
  readonly organisationClaim?: string;
  /** Organisations whose users are scoped to England (OIDC_NATIONAL_ORGANISATIONS, default `X24`, NHS England). */
  readonly nationalOrganisations: readonly string[];
  /** The claim holding the user's name, shown in the audit trail (OIDC_NAME_CLAIM, default `name`). */
  readonly nameClaim: string;
}

/** The claim mapping's defaults, for NHS CIS2 Authentication (the role map has none: which roles may read is a local decision). */
export const DEFAULT_CLAIM_MAPPING = {
  rolesClaim: 'nhsid_nrbac_roles',
  organisationField: 'org_code',
  nationalOrganisations: ['X24'],
  nameClaim: 'name',
} as const satisfies Omit<ClaimMapping, 'roleMap'>;

/**
 * A token whose claims give no principal: no subject, no role this platform admits, or no
 * organisation. The message names the claim and what the configuration expects, never the
 * token's contents beyond claim names and role codes.
 */
export class ClaimMappingError extends Error {
  constructor(
    message: string,
    readonly claim: string,
  ) {
    super(message);
    this.name = 'ClaimMappingError';
  }
}

/** The roles a person may get from a token, weakest first; submitter is for machines with API keys. */
const SIGN_IN_ROLES: readonly Role[] = ['analyst', 'admin'];

/** ODS-style organisation codes: letters and digits only, so a scope can never carry anything else. */
const ORGANISATION_CODE = /^[A-Z0-9]{1,12}$/;

/** A role the token's roles claim gives, with the organisation it is held at (null when the token names none). */
interface MatchedRole {
  readonly role: Role;
  readonly organisation: string | null;
}

/**
 * The principal a signed-in user's token claims give: `oidc:<sub>`, the most powerful role the
 * role map admits (admin over analyst; ties go to the first in the token), the organisation that
 * role is held at, and its scope (England for a national organisation, else the organisation).
 * Throws ClaimMappingError when the claims give none.
 */
export function principalFromClaims(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping): Principal {
  assertSignInRoles(mapping.roleMap);
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub.trim() === '') {
    throw new ClaimMappingError("the access token carries no 'sub' claim naming the user: the identity provider must issue one", 'sub');
  }
  const best = strongest(matchedRoles(claims, mapping));
  const organisation = normaliseOrganisation(best.organisation ?? organisationFromClaim(claims, mapping), mapping);
  const name = claims[mapping.nameClaim];
  return {
    id: `oidc:${sub}`,
    kind: 'oidc',
    organisation,
    role: best.role,
    scope: mapping.nationalOrganisations.includes(organisation) ? ENGLAND : organisation,
    ...(typeof name === 'string' && name.trim() !== '' ? { name: name.trim() } : {}),
  };
}

/** Every role the roles claim gives, in token order; throws when the claim is missing or nothing in it matches. */
function matchedRoles(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping): MatchedRole[] {
  const value = claims[mapping.rolesClaim];
  const entries = typeof value === 'string' ? value.split(/\s+/).filter((part) => part !== '') : value;
  if (!Array.isArray(entries)) {
    throw new ClaimMappingError(
      `the access token carries no '${mapping.rolesClaim}' claim listing the user's roles (OIDC_ROLES_CLAIM): sign in with a role, or set OIDC_ROLES_CLAIM to the claim your identity provider uses`,
      mapping.rolesClaim,
    );
  }
  const matched: MatchedRole[] = [];
  const seenCodes: string[] = [];
  for (const entry of entries as readonly unknown[]) {
    const codes = entryCodes(entry);
    seenCodes.push(...(typeof entry === 'string' ? [entry] : codes.slice(0, 1)));
    const role = strongestMatch(codes, mapping.roleMap);
    if (role) matched.push({ role, organisation: entryOrganisation(entry, mapping.organisationField) });
  }
  if (matched.length === 0) throw noMatchingRole(mapping, seenCodes);
  return matched;
}

/** The codes an entry of the roles claim may match: a CIS2 entry's role_code, its parts and its activity codes; a plain string itself. */
function entryCodes(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry];
  if (!isRecord(entry)) return [];
  const roleCode = typeof entry['role_code'] === 'string' ? entry['role_code'] : '';
  const activities = Array.isArray(entry['activity_codes']) ? entry['activity_codes'].filter((code): code is string => typeof code === 'string') : [];
  return [...(roleCode ? [roleCode, ...roleCode.split(':')] : []), ...activities];
}

/** The organisation a CIS2 entry's role is held at; null for plain strings (their organisation comes from a claim of its own). */
function entryOrganisation(entry: unknown, field: string): string | null {
  if (!isRecord(entry)) return null;
  const organisation = entry[field];
  return typeof organisation === 'string' && organisation.trim() !== '' ? organisation : null;
}

function strongestMatch(codes: readonly string[], roleMap: readonly RoleMapping[]): Role | null {
  const roles = roleMap.filter((line) => codes.includes(line.match)).map((line) => line.role);
  return roles.length === 0 ? null : roles.reduce((a, b) => (rank(b) > rank(a) ? b : a));
}

function strongest(matched: readonly MatchedRole[]): MatchedRole {
  return matched.reduce((a, b) => (rank(b.role) > rank(a.role) ? b : a));
}

function rank(role: Role): number {
  return SIGN_IN_ROLES.indexOf(role);
}

function noMatchingRole(mapping: ClaimMapping, seenCodes: readonly string[]): ClaimMappingError {
  const admitted = mapping.roleMap.map((line) => `${line.match} (${line.role})`).join(', ');
  const carried = seenCodes.length === 0 ? 'it lists none' : `it lists ${seenCodes.slice(0, 10).join(', ')}${seenCodes.length > 10 ? ', ...' : ''}`;
  return new ClaimMappingError(
    `no role in the access token's '${mapping.rolesClaim}' claim gives access to this API (${carried}); it admits the role or activity codes ${admitted || '(none configured)'} (OIDC_ROLE_MAP): sign in with one of those roles, or ask for one`,
    mapping.rolesClaim,
  );
}

/** For plain string roles: the organisation named by the claim OIDC_ORGANISATION_CLAIM names. */
function organisationFromClaim(claims: Readonly<Record<string, unknown>>, mapping: ClaimMapping): string {
  const claim = mapping.organisationClaim;
  if (claim === undefined) {
    throw new ClaimMappingError(
      `the role matched in '${mapping.rolesClaim}' names no organisation (no '${mapping.organisationField}' field, OIDC_ORGANISATION_FIELD), and no organisation claim is configured: set OIDC_ORGANISATION_CLAIM to the claim naming the user's organisation`,
      mapping.rolesClaim,
    );
  }
  const value = claims[claim];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ClaimMappingError(
      `the access token carries no '${claim}' claim naming the user's organisation (OIDC_ORGANISATION_CLAIM): the identity provider must issue it`,
      claim,
    );
  }
  return value;
}

function normaliseOrganisation(organisation: string, mapping: ClaimMapping): string {
  const code = organisation.trim().toUpperCase();
  if (!ORGANISATION_CODE.test(code)) {
    const source = mapping.organisationClaim ?? `${mapping.rolesClaim}.${mapping.organisationField}`;
    throw new ClaimMappingError(`the organisation in the access token ('${source}') is not an organisation code (letters and digits only)`, source);
  }
  return code;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Submitting is for machines with API keys: a role map that would let a person submit is a configuration mistake. */
function assertSignInRoles(roleMap: readonly RoleMapping[]): void {
  const submitter = roleMap.find((line) => !SIGN_IN_ROLES.includes(line.role));
  if (submitter) {
    throw new ConfigError(
      'OIDC_ROLE_MAP',
      `'${submitter.match}=${submitter.role}' gives people signing in the ${submitter.role} role; submitting is for machines with API keys: map codes to ${SIGN_IN_ROLES.join(' or ')}`,
    );
  }
}

/**
 * The claim mapping from the environment, with the defaults of DEFAULT_CLAIM_MAPPING:
 * - OIDC_ROLES_CLAIM: the roles claim (default `nhsid_nrbac_roles`).
 * - OIDC_ROLE_MAP: required, `code=role` pairs separated by commas, e.g.
 *   `R8000=analyst,B0360=analyst,R8008=admin`; roles analyst or admin.
 * - OIDC_ORGANISATION_FIELD: the organisation field of a CIS2 role entry (default `org_code`).
 * - OIDC_ORGANISATION_CLAIM: the organisation claim for plain string roles (unset by default).
 * - OIDC_NATIONAL_ORGANISATIONS: organisation codes scoped to England, comma separated (default `X24`).
 * - OIDC_NAME_CLAIM: the user's name (default `name`).
 * Empty values count as unset. Throws ConfigError naming the variable and what it accepts.
 */
export function parseClaimMapping(env: Readonly<Record<string, string | undefined>>): ClaimMapping {
  const organisationClaim = claimName(env, 'OIDC_ORGANISATION_CLAIM');
  return {
    rolesClaim: claimName(env, 'OIDC_ROLES_CLAIM') ?? DEFAULT_CLAIM_MAPPING.rolesClaim,
    roleMap: parseRoleMap(env['OIDC_ROLE_MAP']),
    organisationField: claimName(env, 'OIDC_ORGANISATION_FIELD') ?? DEFAULT_CLAIM_MAPPING.organisationField,
    ...(organisationClaim === undefined ? {} : { organisationClaim }),
    nationalOrganisations: parseNationalOrganisations(env['OIDC_NATIONAL_ORGANISATIONS']),
    nameClaim: claimName(env, 'OIDC_NAME_CLAIM') ?? DEFAULT_CLAIM_MAPPING.nameClaim,
  };
}

function nonEmpty(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function claimName(env: Readonly<Record<string, string | undefined>>, variable: string): string | undefined {
  const value = nonEmpty(env[variable]);
  if (value !== undefined && /[\s,]/.test(value)) {
    throw new ConfigError(variable, `'${value}' is not a claim name: use one name without spaces or commas`);
  }
  return value;
}

function parseRoleMap(raw: string | undefined): RoleMapping[] {
  const value = nonEmpty(raw);
  if (value === undefined) {
    throw new ConfigError(
      'OIDC_ROLE_MAP',
      'is required with OIDC_ISSUER: name the role or activity codes that may sign in and the role each gives, e.g. R8000=analyst,R8008=admin',
    );
  }
  const roleMap: RoleMapping[] = [];
  for (const pair of value.split(',').map((item) => item.trim())) {
    if (pair === '') continue;
    const line = parseRoleMapping(pair);
    const earlier = roleMap.find((other) => other.match === line.match);
    if (earlier && earlier.role !== line.role) {
      throw new ConfigError('OIDC_ROLE_MAP', `'${line.match}' is mapped to both ${earlier.role} and ${line.role}: keep one`);
    }
    if (!earlier) roleMap.push(line);
  }
  assertSignInRoles(roleMap);
  return roleMap;
}

function parseRoleMapping(pair: string): RoleMapping {
  const parts = pair.split('=').map((part) => part.trim());
  const [match, role] = parts;
  if (parts.length !== 2 || !match || !role || /\s/.test(match)) {
    throw new ConfigError('OIDC_ROLE_MAP', `'${pair}' is not code=role: write e.g. R8000=analyst, pairs separated by commas`);
  }
  const lower = role.toLowerCase();
  if (lower === 'submitter') assertSignInRoles([{ match, role: 'submitter' }]);
  if (!SIGN_IN_ROLES.includes(lower as Role)) {
    throw new ConfigError('OIDC_ROLE_MAP', `'${role}' in '${pair}' is not a role: use ${SIGN_IN_ROLES.join(' or ')}`);
  }
  return { match, role: lower as Role };
}

function parseNationalOrganisations(raw: string | undefined): string[] {
  const value = nonEmpty(raw);
  if (value === undefined) return [...DEFAULT_CLAIM_MAPPING.nationalOrganisations];
  const codes = value
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code !== '');
  const invalid = codes.find((code) => !ORGANISATION_CODE.test(code));
  if (invalid !== undefined) {
    throw new ConfigError(
      'OIDC_NATIONAL_ORGANISATIONS',
      `'${invalid}' is not an organisation code: use codes of letters and digits separated by commas, e.g. X24`,
    );
  }
  return codes;
}
