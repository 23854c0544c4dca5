import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { exampleTabs, graphqlExamples, nameOperation, operationName } from './examples';

const WORKSPACE = join(__dirname, '..', '..', '..', '..');
const DOCS = readFileSync(join(WORKSPACE, 'docs', 'graphql.md'), 'utf8');
const SCHEMA = buildSchema(readFileSync(join(WORKSPACE, 'libs', 'reporting', 'graphql', 'src', 'schema.graphql'), 'utf8'));

function operationOf(query: string): OperationDefinitionNode {
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) throw new Error(`no operation in ${query}`);
  return operation;
}

describe("the explorer's saved tabs, from docs/graphql.md", () => {
  it('has a tab for every ```graphql block of the page, in order, and no other block', () => {
    const fences = DOCS.split('\n').filter((line) => line.trim() === '```graphql').length;
    const tabs = exampleTabs(DOCS);
    expect(fences).toBeGreaterThan(10);
    expect(tabs).toHaveLength(fences);
    expect(tabs.some((tab) => tab.query.includes('curl'))).toBe(false); // the ```bash block is not a tab
    expect(tabs[0]!.query).toContain('# National online consultation submissions in December 2025');
  });

  it("names each tab after its section, numbered where a section has several, and every tab is a valid query of today's schema", () => {
    const names = exampleTabs(DOCS).map((tab) => {
      const name = operationOf(tab.query).name?.value;
      expect({ name, errors: validate(SCHEMA, parse(tab.query)).map((e) => e.message) }).toEqual({ name: expect.stringMatching(/^[A-Z]\w*$/), errors: [] });
      return name;
    });
    expect(names).toEqual(expect.arrayContaining(['Utilisation_1', 'Utilisation_4', 'Coverage_2', 'ComplianceWithTheOperatingModel', 'Carbon']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps the docs text of each example: only the name is added', () => {
    for (const [index, example] of graphqlExamples(DOCS).entries()) {
      const tab = exampleTabs(DOCS)[index]!;
      expect(tab.query.replace(/query \w+ \{/, '{')).toBe(example.query);
    }
  });
});

describe('graphqlExamples', () => {
  const page = [
    '# Title',
    '## `utilisation`: by [month](x.md)',
    '```graphql',
    '# not a heading: a comment',
    '{ a }',
    '```',
    '```bash',
    '# a shell comment, not a heading',
    '```',
    '### Other',
    'text',
    '```graphql',
    'query Named { b }',
    '```',
    '```ts',
    "const x = '```graphql';",
    '```',
  ].join('\n');

  it('takes each block with the nearest heading above it, skipping comments and other blocks', () => {
    expect(graphqlExamples(page)).toEqual([
      { section: 'utilisation: by month', query: '# not a heading: a comment\n{ a }' },
      { section: 'Other', query: 'query Named { b }' },
    ]);
  });

  it('names anonymous operations after their section and leaves named ones', () => {
    expect(exampleTabs(page).map((tab) => tab.query)).toEqual(['# not a heading: a comment\nquery Utilisation { a }', 'query Named { b }']);
  });
});

describe('operationName and nameOperation', () => {
  it.each([
    ['Utilisation', 'Utilisation'],
    ['Coverage: capabilities, agreements, BCP reviews', 'Coverage'],
    ['Organisations and practices', 'OrganisationsAndPractices'],
    ['National measures: digital maturity, Net Zero, incidents', 'NationalMeasures'],
    ['2024/25 figures', 'Example202425Figures'],
    ['', 'Example'],
  ])('%s -> %s', (heading, name) => {
    expect(operationName(heading)).toBe(name);
  });

  it.each([
    ['{ a }', 'query N { a }'],
    ['  {\n    a\n  }', '  query N {\n    a\n  }'],
    ['# says what\n\n{ a }', '# says what\n\nquery N { a }'],
    ['query ($x: Int) { a(x: $x) }', 'query N ($x: Int) { a(x: $x) }'],
    ['query($x: Int) { a(x: $x) }', 'query N($x: Int) { a(x: $x) }'],
    ['query { a }', 'query N { a }'],
    ['query Mine { a }', 'query Mine { a }'],
    ['fragment F on T { a }', 'fragment F on T { a }'],
    ['# only a comment', '# only a comment'],
  ])('%j -> %j', (query, named) => {
    expect(nameOperation(query, 'N')).toBe(named);
  });
});
