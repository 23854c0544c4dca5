/** What a principal may do: submit facts, read the reporting API, or also manage keys and read the audit trail. */
export type Role = 'submitter' | 'analyst' | 'admin';
export const ROLES: readonly Role[] = ['submitter', 'analyst', 'admin'];

/** The code of England: the scope that sees everything. */
export const ENGLAND = 'ENG';

/**
 * Who is asking, the same whichever way they signed in (an API key for machines, an OIDC
 * access token from NHS CIS2 Authentication for people): who, the organisation they act for,
 * their role, and their scope (the organisation whose practices they may see in detail:
 * England, a region, an ICB or a commissioner).
 */
export interface Principal {
  /** Stable and never secret: `key:<keyId>` for an API key, `oidc:<sub>` for a signed-in user. */
  readonly id: string;
  readonly kind: 'api-key' | 'oidc';
  /** The organisation the principal acts for (a submitter's records are owned by it). */
  readonly organisation: string;
  readonly role: Role;
  /** ENG, or the code of a region, ICB or commissioner. */
  readonly scope: string;
  /** For people: their name, when the token carries it (shown in the audit trail). */
  readonly name?: string;
}

/** A principal that signed in with an API key. */
export interface ApiKeyPrincipal extends Principal {
  readonly kind: 'api-key';
  readonly keyId: string;
}

/** The platform's own writers (the demo data, the CLI's publication import): national admins without a stored key. */
export function systemPrincipal(name: string): ApiKeyPrincipal {
  return { id: `key:${name}`, kind: 'api-key', keyId: name, organisation: ENGLAND, role: 'admin', scope: ENGLAND };
}
