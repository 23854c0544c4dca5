import { isIsoDate, PARENT_LEVEL, type OrganisationLevel, type RelationshipKind } from '../organisation-events';
import type { HierarchyEvidence, ObservedOrganisation } from './evidence-plan';

const LEVELS: readonly OrganisationLevel[] = ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION'];
const CODE = /^[A-Z0-9]{1,12}$/i;
/** A publication's evidence is about 8,000 organisations; this leaves room for a whole mapping file. */
const MAX_ORGANISATIONS = 50_000;

/**
 * Checks hierarchy evidence sent over HTTP (the CLI's import-publication to a running platform)
 * and says what is wrong with it, field by field; the first 20 problems at most.
 */
export function checkHierarchyEvidence(value: unknown): { ok: true; evidence: HierarchyEvidence } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const v = (value ?? {}) as Record<string, unknown>;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problems: ['the body must be a JSON object'] };
  if (typeof v['source'] !== 'string' || v['source'].trim() === '' || v['source'].length > 200) problems.push('source: a name of at most 200 characters');
  if (v['evidence'] !== 'MAPPING_FILE' && v['evidence'] !== 'PUBLICATION') problems.push("evidence: 'MAPPING_FILE' or 'PUBLICATION'");
  for (const field of ['from', 'to'] as const) if (typeof v[field] !== 'string' || !isIsoDate(v[field])) problems.push(`${field}: a date like 2025-04-01`);
  if (typeof v['from'] === 'string' && typeof v['to'] === 'string' && isIsoDate(v['from']) && isIsoDate(v['to']) && v['from'] >= v['to'])
    problems.push('to: after from (exclusive)');
  if (typeof v['complete'] !== 'boolean') problems.push('complete: true or false');
  const organisations = v['organisations'];
  if (!Array.isArray(organisations)) problems.push('organisations: a list');
  else if (organisations.length > MAX_ORGANISATIONS) problems.push(`organisations: at most ${MAX_ORGANISATIONS}`);
  else
    organisations.forEach((o: unknown, i) => {
      if (problems.length >= 20) return;
      const org = (o ?? {}) as Record<string, unknown>;
      const at = `organisations[${i}]`;
      if (typeof org['code'] !== 'string' || !CODE.test(org['code'])) problems.push(`${at}.code: an organisation code`);
      if (!LEVELS.includes(org['level'] as OrganisationLevel)) problems.push(`${at}.level: one of ${LEVELS.join(', ')}`);
      for (const field of ['name', 'postcode'])
        if (typeof org[field] !== 'string' || (org[field] as string).length > 200) problems.push(`${at}.${field}: text of at most 200 characters`);
      const parents = org['parents'];
      if (parents === null || typeof parents !== 'object' || Array.isArray(parents)) problems.push(`${at}.parents: an object of relationship -> parent code`);
      else
        for (const [kind, parent] of Object.entries(parents)) {
          if (!(kind in PARENT_LEVEL)) problems.push(`${at}.parents.${kind}: not a relationship (${Object.keys(PARENT_LEVEL).join(', ')})`);
          else if (typeof parent !== 'string' || (parent !== '' && !CODE.test(parent))) problems.push(`${at}.parents.${kind}: a code, or '' for none`);
        }
    });
  if (problems.length) return { ok: false, problems: problems.slice(0, 20) };
  const evidence: HierarchyEvidence = {
    source: (v['source'] as string).trim(),
    evidence: v['evidence'] as HierarchyEvidence['evidence'],
    from: v['from'] as string,
    to: v['to'] as string,
    complete: v['complete'] as boolean,
    organisations: (organisations as Array<Record<string, unknown>>).map((o): ObservedOrganisation => ({
      code: o['code'] as string,
      level: o['level'] as OrganisationLevel,
      name: o['name'] as string,
      postcode: o['postcode'] as string,
      parents: o['parents'] as Partial<Record<RelationshipKind, string>>,
    })),
  };
  return { ok: true, evidence };
}
