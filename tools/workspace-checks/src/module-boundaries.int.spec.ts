import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The architecture is enforced, not described: these lint the deliberately violating fixtures
 * as if they sat in the layers they violate, through the workspace's real ESLint config and Nx
 * project graph, and expect the rule to reject them. Allowed imports must still pass.
 */
const root = join(__dirname, '..', '..', '..');
const fixture = (name: string): string => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

/** Lints `text` as the file at `path` with the workspace's ESLint CLI, in its own process. */
async function lintAs(path: string, text: string): Promise<LintMessage[]> {
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', join(root, path)],
    {
      cwd: root,
      input: text,
      env: { ...process.env, NX_DAEMON: 'false' },
      encoding: 'utf8',
    },
  );
  if (!run.stdout) throw new Error(`ESLint produced no report (exit ${run.status}): ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as Array<{ messages: LintMessage[] }>;
  return result?.messages ?? [];
}

const rule = '@nx/enforce-module-boundaries';

const nx = (...args: string[]): string =>
  execFileSync(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false' },
  }).toString();

describe('module boundaries', () => {
  // The lint rule reads Nx's cached project graph: every Nx command recomputes it from the tree.
  beforeAll(() => {
    nx('show', 'projects');
  });

  it('rejects domain code importing a database driver or a framework', async () => {
    const messages = await lintAs('libs/event-store/domain/src/violation.ts', fixture('domain-imports-driver.fixture.ts'));
    expect(messages.filter((m) => m.ruleId === rule).map((m) => m.message)).toEqual([
      expect.stringMatching(/tagged with "type:domain" is not allowed to import "@nestjs\/common"/),
      expect.stringMatching(/tagged with "type:domain" is not allowed to import "pg"/),
    ]);
  });

  it('rejects a lower layer importing upwards', async () => {
    const messages = await lintAs('libs/shared/config/src/violation.ts', fixture('util-imports-data-access.fixture.ts'));
    expect(messages.filter((m) => m.ruleId === rule).map((m) => m.message)).toEqual([
      expect.stringMatching(/tagged with "type:util" can only depend on libs tagged with "type:util"/),
    ]);
  });

  it('rejects an import across scopes within one layer (the scope map, not the layers)', async () => {
    const dataAccess = await lintAs('libs/access/api-keys/src/violation.ts', fixture('data-access-imports-other-scope.fixture.ts'));
    expect(dataAccess.filter((m) => m.ruleId === rule).map((m) => m.message)).toEqual([
      expect.stringMatching(/tagged with "scope:access" can only depend on libs tagged with "scope:access", "scope:event-store", "scope:shared"$/),
    ]);
    const feature = await lintAs('libs/analytics/http/src/violation.ts', fixture('feature-imports-other-scope.fixture.ts'));
    expect(feature.filter((m) => m.ruleId === rule).map((m) => m.message)).toEqual([
      expect.stringMatching(/tagged with "scope:analytics" can only depend on libs tagged with/),
    ]);
    // The read side may follow the write side's events: analytics importing governance is allowed.
    const allowed = await lintAs(
      'libs/analytics/domain/src/allowed.ts',
      "import { GOVERNANCE_ROW_MAPPINGS } from '@gpds/governance';\n\nexport const mappings = GOVERNANCE_ROW_MAPPINGS;\n",
    );
    expect(allowed.filter((m) => m.ruleId === rule)).toEqual([]);
  });

  it('rejects production code importing a testing library, and allows it in specs', async () => {
    const source = fixture('production-imports-testing.fixture.ts');
    const production = await lintAs('apps/platform/src/violation.ts', source);
    expect(production.filter((m) => m.ruleId === rule).map((m) => m.message)).toEqual([
      expect.stringMatching(/tagged with "type:app" can only depend on libs tagged with/),
    ]);
    const spec = await lintAs('apps/platform/src/allowed.e2e.spec.ts', source);
    expect(spec.filter((m) => m.ruleId === rule)).toEqual([]);
  });

  it('rejects a library importing an application', async () => {
    const messages = await lintAs('libs/event-store/postgres/src/violation.ts', fixture('lib-imports-app.fixture.ts'));
    expect(
      messages
        .filter((m) => m.ruleId === rule)
        .map((m) => m.message)
        .join('\n'),
    ).toMatch(/Imports of apps are forbidden|Projects cannot be imported by a relative or absolute path/);
  });

  it('rejects Node I/O modules in domain code', async () => {
    const messages = await lintAs('libs/event-store/domain/src/violation.ts', fixture('domain-imports-node-io.fixture.ts'));
    expect(messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)).toEqual([
      expect.stringMatching(/'node:fs' import is restricted/),
    ]);
  });

  it('accepts the allowed direction: data-access importing domain', async () => {
    const messages = await lintAs(
      'libs/event-store/postgres/src/allowed.ts',
      "import { eventIdFromSource } from '@gpds/event-store';\nexport const ok = eventIdFromSource;\n",
    );
    expect(messages.filter((m) => m.severity === 2)).toEqual([]);
  });

  it('tags every project with one scope and one type', () => {
    const projects = JSON.parse(nx('show', 'projects', '--json')) as string[];
    expect(projects.length).toBeGreaterThan(3);
    for (const name of projects) {
      const details = JSON.parse(nx('show', 'project', name, '--json')) as { tags?: string[] };
      const tags = details.tags ?? [];
      expect({ name, scopes: tags.filter((t) => t.startsWith('scope:')).length, types: tags.filter((t) => t.startsWith('type:')).length }).toEqual({
        name,
        scopes: 1,
        types: 1,
      });
    }
  });
});
