import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import * as queries from './queries';

/** The public API the dashboard reads: its only contract with the platform. */
const schema = buildSchema(readFileSync(join(__dirname, '../../../../libs/reporting/graphql/src/schema.graphql'), 'utf8'));

const documents: [string, string][] = Object.entries(queries as Record<string, unknown>).flatMap(([name, value]) =>
  typeof value === 'string' && /^\s*query /.test(value) ? [[name, value] as [string, string]] : [],
);

describe("the dashboard's questions", () => {
  it('are all here (a renamed export would drop one silently)', () => {
    expect(documents.map(([name]) => name).sort()).toEqual([
      'COMPLIANCE',
      'HEADLINE',
      'INCIDENTS',
      'MATURITY',
      'ME',
      'NET_ZERO',
      'ORGANISATION',
      'PRACTICE',
      'PRACTICE_COMPLIANCE',
      'PRACTICE_MATURITY',
      'PRACTICE_TIMELINE',
      'UTILISATION',
    ]);
  });

  it.each(documents)('%s is valid against the API schema', (_name, text) => {
    expect(validate(schema, parse(text)).map((e) => e.message)).toEqual([]);
  });

  it('are named operations, each name once (the audit trail records the name)', () => {
    const names = documents.map(([, text]) => {
      const operations = parse(text).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      expect(operations).toHaveLength(1);
      return operations[0]!.name?.value;
    });
    expect(names.every((n) => n?.startsWith('Dashboard'))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('take every value as a variable, so each text hashes the same every time (persisted queries)', () => {
    for (const [name, text] of documents) {
      // Literal arguments are the page sizes and levels written into the text, never a value the reader chose.
      const literals = [...text.matchAll(/\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',')).filter((arg) => /:\s*"/.test(arg));
      expect({ name, literals }).toEqual({ name, literals: [] });
    }
  });
});
