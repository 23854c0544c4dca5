/**
 * The examples of docs/graphql.md as the explorer's saved tabs. The page is the one source: the
 * explorer reads it at build time, so a new example in the docs is a new tab without another
 * copy to keep in step (and apps/platform/src/graphql.e2e.spec.ts runs every one of them).
 */

/** One ```graphql block of the docs and the heading it sits under. */
export interface DocExample {
  /** The text of the nearest heading above the block, without its #s and markup. */
  readonly section: string;
  /** The block's text as written (its leading comment says what it asks). */
  readonly query: string;
}

/** A saved tab of the explorer (GraphiQL's TabDefinition): the tab's title is its operation's name. */
export interface ExampleTab {
  readonly query: string;
}

const FENCE = /^ {0,3}```/;
const GRAPHQL_FENCE = /^ {0,3}```graphql\s*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$/;

/** Every ```graphql fenced block of a Markdown page, in order, with the heading above each (code blocks' own # lines are not headings). */
export function graphqlExamples(markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  let section = '';
  let block: string[] | null = null;
  let inOtherFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (block) {
      if (FENCE.test(line)) {
        examples.push({ section, query: block.join('\n') });
        block = null;
      } else {
        block.push(line);
      }
    } else if (inOtherFence) {
      if (FENCE.test(line)) inOtherFence = false;
    } else if (GRAPHQL_FENCE.test(line)) {
      block = [];
    } else if (FENCE.test(line)) {
      inOtherFence = true;
    } else {
      const heading = HEADING.exec(line);
      if (heading?.[2]) section = plainText(heading[2]);
    }
  }
  return examples;
}

/**
 * The docs' examples as tabs, each named after its section (GraphiQL titles a tab with its
 * operation's name): `Utilisation_1` to `Utilisation_4`, `Carbon`... An anonymous query is given
 * that name; a named one keeps its own.
 */
export function exampleTabs(markdown: string): ExampleTab[] {
  const examples = graphqlExamples(markdown);
  const perSection = new Map<string, number>();
  for (const example of examples) perSection.set(example.section, (perSection.get(example.section) ?? 0) + 1);
  const seen = new Map<string, number>();
  const used = new Set<string>();
  return examples.map((example) => {
    const base = operationName(example.section);
    const index = (seen.get(example.section) ?? 0) + 1;
    seen.set(example.section, index);
    let name = (perSection.get(example.section) ?? 1) > 1 ? `${base}_${index}` : base;
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    return { query: nameOperation(example.query, name) };
  });
}

/**
 * A GraphQL operation name from a heading: the words before any colon, each capitalised
 * ("Coverage: capabilities, agreements, BCP reviews" -> "Coverage"; "Organisations and
 * practices" -> "OrganisationsAndPractices"). `Example` where a heading has no letters.
 */
export function operationName(heading: string): string {
  const words = (heading.split(':')[0] ?? '').match(/[A-Za-z0-9]+/g) ?? [];
  const name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return /^[A-Za-z_]/.test(name) ? name : `Example${name}`;
}

/**
 * Gives an anonymous operation a name, changing nothing else (the docs' comments and layout
 * stay): `{ ... }` becomes `query Name { ... }`, `query ($x: Int) { ... }` becomes
 * `query Name ($x: Int) { ... }`. A named operation, or a text that is none of these, is left as it is.
 */
export function nameOperation(query: string, name: string): string {
  const lines = query.split('\n');
  const first = lines.findIndex((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  const line = first >= 0 ? lines[first] : undefined;
  if (line === undefined) return query;
  const shorthand = /^(\s*)\{/.exec(line);
  const anonymous = /^(\s*)(query|mutation|subscription)(\s*)(?=[({@])/.exec(line);
  if (shorthand) lines[first] = `${shorthand[1] ?? ''}query ${name} ${line.slice(shorthand[0].length - 1)}`;
  else if (anonymous) lines[first] = `${anonymous[1] ?? ''}${anonymous[2] ?? ''} ${name}${anonymous[3] ?? ''}${line.slice(anonymous[0].length)}`;
  else return query;
  return lines.join('\n');
}

/** A heading's text without Markdown's inline markup (code spans, emphasis, links). */
function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .trim();
}
