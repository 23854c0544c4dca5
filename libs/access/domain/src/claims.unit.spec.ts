import { ConfigError } from '@gpds/shared-config';
import { type ClaimMapping, ClaimMappingError, DEFAULT_CLAIM_MAPPING, parseClaimMapping, principalFromClaims } from './claims';

const mapping = parseClaimMapping({ OIDC_ROLE_MAP: 'R8000=analyst,B0360=analyst,R8008=admin' });

/** A CIS2 role entry as nhsid_nrbac_roles carries it. */
function cis2Role(orgCode: string, roleCode: string, activityCodes: readonly string[] = []): Record<string, unknown> {
  return {
    person_orgid: '555021935107',
    person_roleid: '555021936109',
    org_code: orgCode,
    role_name: '"Clinical":"Clinical Provision":"Nurse Access Role"',
    role_code: roleCode,
    activity_codes: activityCodes,
  };
}

function mappingError(claims: Record<string, unknown>, with_: ClaimMapping = mapping): ClaimMappingError {
  try {
    principalFromClaims(claims, with_);
  } catch (error) {
    if (error instanceof ClaimMappingError) return error;
    throw error;
  }
  throw new Error('the claims were accepted');
}

function configError(env: Record<string, string>): ConfigError {
  try {
    parseClaimMapping(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('principalFromClaims with NHS CIS2 role entries', () => {
  it("gives an ICB user the role their role code maps to, scoped to the role's organisation", () => {
    const principal = principalFromClaims({ sub: '910000000001', name: 'Ada Analyst', nhsid_nrbac_roles: [cis2Role('QWE', 'S8000:G8000:R8000')] }, mapping);
    expect(principal).toEqual({ id: 'oidc:910000000001', kind: 'oidc', organisation: 'QWE', role: 'analyst', scope: 'QWE', name: 'Ada Analyst' });
  });

  it('scopes a user of a national organisation (NHS England, X24) to England', () => {
    const principal = principalFromClaims({ sub: 'u1', nhsid_nrbac_roles: [cis2Role('X24', 'S8001:G8001:R8008')] }, mapping);
    expect(principal).toMatchObject({ organisation: 'X24', role: 'admin', scope: 'ENG' });
    expect(principal).not.toHaveProperty('name');
  });

  it('matches on an activity code when the role code does not match', () => {
    const principal = principalFromClaims({ sub: 'u1', nhsid_nrbac_roles: [cis2Role('QHM', 'S8000:G8000:R8001', ['B0428', 'B0360'])] }, mapping);
    expect(principal).toMatchObject({ organisation: 'QHM', role: 'analyst', scope: 'QHM' });
  });

  it('picks the most powerful matching role across entries, and its organisation', () => {
    const claims = {
      sub: 'u1',
      nhsid_nrbac_roles: [cis2Role('QWE', 'S8000:G8000:R8000'), cis2Role('Y56', 'S8001:G8001:R8008'), cis2Role('QHM', 'S8000:G8000:R8000')],
    };
    expect(principalFromClaims(claims, mapping)).toMatchObject({ organisation: 'Y56', role: 'admin', scope: 'Y56' });
  });

  it('gives ties to the first matching entry of the token', () => {
    const claims = {
      sub: 'u1',
      nhsid_nrbac_roles: [cis2Role('A81001', 'S1:G1:R9999'), cis2Role('QHM', 'S8000:G8000:R8000'), cis2Role('QWE', 'S8000:G8000:R8000')],
    };
    expect(principalFromClaims(claims, mapping)).toMatchObject({ organisation: 'QHM', scope: 'QHM' });
  });

  it('matches a whole role code as well as its parts', () => {
    const whole = parseClaimMapping({ OIDC_ROLE_MAP: 'S8000:G8000:R8000=analyst' });
    expect(principalFromClaims({ sub: 'u1', nhsid_nrbac_roles: [cis2Role('QWE', 'S8000:G8000:R8000')] }, whole).role).toBe('analyst');
  });

  it('normalises the organisation code to capitals', () => {
    expect(principalFromClaims({ sub: 'u1', nhsid_nrbac_roles: [cis2Role(' qwe ', 'R8000')] }, mapping)).toMatchObject({ organisation: 'QWE', scope: 'QWE' });
  });

  it('reads the organisation from the configured field of the entry', () => {
    const other = { ...mapping, organisationField: 'person_orgcode' };
    const entry = { ...cis2Role('QWE', 'R8000'), person_orgcode: 'QHM' };
    expect(principalFromClaims({ sub: 'u1', nhsid_nrbac_roles: [entry] }, other).organisation).toBe('QHM');
  });
});

describe('principalFromClaims with plain string roles (other providers)', () => {
  const plain: ClaimMapping = parseClaimMapping({
    OIDC_ROLES_CLAIM: 'roles',
    OIDC_ROLE_MAP: 'gpds-analyst=analyst,gpds-admin=admin',
    OIDC_ORGANISATION_CLAIM: 'gpds_scope',
  });

  it('matches each string of a list and takes the organisation from the organisation claim', () => {
    const principal = principalFromClaims({ sub: 'svc-7', roles: ['reader', 'gpds-analyst', 'gpds-admin'], gpds_scope: 'Y56' }, plain);
    expect(principal).toEqual({ id: 'oidc:svc-7', kind: 'oidc', organisation: 'Y56', role: 'admin', scope: 'Y56' });
  });

  it('reads a single string as space-separated roles', () => {
    expect(principalFromClaims({ sub: 'u', roles: 'openid gpds-analyst', gpds_scope: 'X24' }, plain)).toMatchObject({ role: 'analyst', scope: 'ENG' });
  });

  it('refuses when the organisation claim is missing, naming it', () => {
    const error = mappingError({ sub: 'u', roles: ['gpds-analyst'] }, plain);
    expect(error.claim).toBe('gpds_scope');
    expect(error.message).toContain("no 'gpds_scope' claim");
    expect(error.message).toContain('OIDC_ORGANISATION_CLAIM');
  });

  it('refuses when no organisation claim is configured for plain string roles', () => {
    const unconfigured = { ...plain, organisationClaim: undefined };
    expect(mappingError({ sub: 'u', roles: ['gpds-analyst'], gpds_scope: 'Y56' }, unconfigured).message).toContain('set OIDC_ORGANISATION_CLAIM');
  });
});

describe('principalFromClaims refusals', () => {
  it('refuses a token without a subject', () => {
    const error = mappingError({ nhsid_nrbac_roles: [cis2Role('QWE', 'R8000')] });
    expect(error.claim).toBe('sub');
    expect(error.message).toContain("no 'sub' claim");
  });

  it('refuses a token without the roles claim, naming the claim and the variable', () => {
    const error = mappingError({ sub: 'u1' });
    expect(error.claim).toBe('nhsid_nrbac_roles');
    expect(error.message).toContain("no 'nhsid_nrbac_roles' claim");
    expect(error.message).toContain('OIDC_ROLES_CLAIM');
  });

  it('refuses a token whose roles match nothing, naming its role codes and the admitted ones', () => {
    const error = mappingError({ sub: 'u1', nhsid_nrbac_roles: [cis2Role('QWE', 'S8000:G8000:R8001', ['B0428'])] });
    expect(error.claim).toBe('nhsid_nrbac_roles');
    expect(error.message).toContain('it lists S8000:G8000:R8001');
    expect(error.message).toContain('R8000 (analyst), B0360 (analyst), R8008 (admin)');
    expect(error.message).not.toContain('QWE');
  });

  it('refuses a matched role held at no organisation', () => {
    const entry = { role_code: 'S8000:G8000:R8000' };
    expect(mappingError({ sub: 'u1', nhsid_nrbac_roles: [entry] }).message).toContain("no 'org_code' field");
  });

  it('refuses an organisation that is not a code, without echoing it', () => {
    const error = mappingError({ sub: 'u1', nhsid_nrbac_roles: [cis2Role("QWE' OR 1=1 --", 'R8000')] });
    expect(error.message).toContain('not an organisation code');
    expect(error.message).not.toContain('OR 1=1');
  });

  it('never gives a person the submitter role, even from a mapping built in code', () => {
    const submitting: ClaimMapping = { ...mapping, roleMap: [{ match: 'R8000', role: 'submitter' }] };
    expect(() => principalFromClaims({ sub: 'u1', nhsid_nrbac_roles: [cis2Role('QWE', 'R8000')] }, submitting)).toThrow(ConfigError);
  });
});

describe('parseClaimMapping', () => {
  it('defaults to NHS CIS2 claims, NHS England as the national organisation', () => {
    expect(parseClaimMapping({ OIDC_ROLE_MAP: 'R8000=analyst' })).toEqual({
      rolesClaim: 'nhsid_nrbac_roles',
      roleMap: [{ match: 'R8000', role: 'analyst' }],
      organisationField: 'org_code',
      nationalOrganisations: ['X24'],
      nameClaim: 'name',
    });
    expect(DEFAULT_CLAIM_MAPPING.nationalOrganisations).toEqual(['X24']);
  });

  it('reads every variable, trimming spaces and ignoring empty pairs', () => {
    const parsed = parseClaimMapping({
      OIDC_ROLES_CLAIM: 'groups',
      OIDC_ROLE_MAP: ' R8000 = Analyst , ,R8008=ADMIN, R8000=analyst ',
      OIDC_ORGANISATION_FIELD: 'org',
      OIDC_ORGANISATION_CLAIM: 'gpds_scope',
      OIDC_NATIONAL_ORGANISATIONS: 'x24, 13Q',
      OIDC_NAME_CLAIM: 'preferred_username',
    });
    expect(parsed).toEqual({
      rolesClaim: 'groups',
      roleMap: [
        { match: 'R8000', role: 'analyst' },
        { match: 'R8008', role: 'admin' },
      ],
      organisationField: 'org',
      organisationClaim: 'gpds_scope',
      nationalOrganisations: ['X24', '13Q'],
      nameClaim: 'preferred_username',
    });
  });

  it('treats empty values as unset', () => {
    expect(parseClaimMapping({ OIDC_ROLE_MAP: 'R8000=analyst', OIDC_ROLES_CLAIM: ' ', OIDC_NATIONAL_ORGANISATIONS: '' })).toMatchObject({
      rolesClaim: 'nhsid_nrbac_roles',
      nationalOrganisations: ['X24'],
    });
  });

  it('requires a role map, with an example', () => {
    const error = configError({});
    expect(error.variable).toBe('OIDC_ROLE_MAP');
    expect(error.message).toContain('R8000=analyst');
  });

  it('refuses the submitter role: submitting is for machines with API keys', () => {
    const error = configError({ OIDC_ROLE_MAP: 'R8000=analyst,R8001=submitter' });
    expect(error.variable).toBe('OIDC_ROLE_MAP');
    expect(error.message).toContain("'R8001=submitter'");
    expect(error.message).toContain('API keys');
  });

  it.each([
    ['R8000', "'R8000' is not code=role"],
    ['R8000=analyst=admin', 'is not code=role'],
    ['=analyst', 'is not code=role'],
    ['R8000=reader', "'reader' in 'R8000=reader' is not a role: use analyst or admin"],
    ['R8000=analyst,R8000=admin', "'R8000' is mapped to both analyst and admin"],
  ])('refuses the role map %s', (value, message) => {
    const error = configError({ OIDC_ROLE_MAP: value });
    expect(error.variable).toBe('OIDC_ROLE_MAP');
    expect(error.message).toContain(message);
  });

  it('refuses national organisations that are not codes', () => {
    const error = configError({ OIDC_ROLE_MAP: 'R8000=analyst', OIDC_NATIONAL_ORGANISATIONS: 'X24,NHS England' });
    expect(error.variable).toBe('OIDC_NATIONAL_ORGANISATIONS');
    expect(error.message).toContain("'NHS ENGLAND' is not an organisation code");
  });

  it('refuses claim names with spaces or commas', () => {
    expect(configError({ OIDC_ROLE_MAP: 'R8000=analyst', OIDC_NAME_CLAIM: 'given_name,family_name' }).variable).toBe('OIDC_NAME_CLAIM');
  });
});
