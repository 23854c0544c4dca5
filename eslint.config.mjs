// Workspace lint: TypeScript rules plus the architecture, enforced.
// Every project carries one `scope:*` and one `type:*` tag (see docs/architecture.md); the
// matrix below says which layer may import which. Domain code may not import frameworks,
// drivers or I/O modules at all.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ioModules = ['pg', 'pg-*', '@electric-sql/*', '@nestjs/*', 'express', 'kafkajs', '@kurrent/*', '@clickhouse/*', 'chdb', 'pino', 'nestjs-pino'];
const nodeIo = ['fs', 'fs/*', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'worker_threads', 'cluster', 'tls', 'dns'];

const layers = {
  'type:app': ['type:feature', 'type:data-access', 'type:domain', 'type:util'],
  'type:feature': ['type:feature', 'type:data-access', 'type:domain', 'type:util'],
  'type:data-access': ['type:data-access', 'type:domain', 'type:util'],
  'type:domain': ['type:domain', 'type:util'],
  'type:util': ['type:util'],
  'type:testing': ['type:testing', 'type:data-access', 'type:domain', 'type:util'],
  'type:tool': ['type:testing', 'type:feature', 'type:data-access', 'type:domain', 'type:util'],
};
/** Every product scope, the order of the matrix below (highest first). */
const productScopes = [
  'scope:reporting',
  'scope:analytics',
  'scope:compliance',
  'scope:access',
  'scope:submissions',
  'scope:governance',
  'scope:organisations',
  'scope:event-store',
  'scope:shared',
];
const scopes = {
  'scope:shared': ['scope:shared'],
  'scope:event-store': ['scope:event-store', 'scope:shared'],
  'scope:organisations': ['scope:organisations', 'scope:event-store', 'scope:shared'],
  'scope:governance': ['scope:governance', 'scope:organisations', 'scope:event-store', 'scope:shared'],
  'scope:access': ['scope:access', 'scope:event-store', 'scope:shared'],
  // The Operating Model's compliance rules: data and words, evaluated by the read side.
  'scope:compliance': ['scope:compliance', 'scope:shared'],
  'scope:analytics': ['scope:analytics', 'scope:compliance', 'scope:access', 'scope:governance', 'scope:organisations', 'scope:event-store', 'scope:shared'],
  'scope:submissions': ['scope:submissions', 'scope:access', 'scope:governance', 'scope:organisations', 'scope:event-store', 'scope:shared'],
  'scope:reporting': ['scope:reporting', 'scope:analytics', 'scope:compliance', 'scope:access', 'scope:organisations', 'scope:event-store', 'scope:shared'],
  // The dashboard is a browser app: it reaches the platform only through the public GraphQL API, over HTTP.
  'scope:dashboard': ['scope:dashboard'],
  // The composition roots may use every product scope; tools also the platform's.
  'scope:platform': ['scope:platform', ...productScopes],
  'scope:tools': ['scope:tools', 'scope:platform', ...productScopes],
};

/** The matrix; specs may also use testing libraries (fixtures, harnesses), production code never. */
function boundaries({ specs, allow = [] }) {
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow,
      depConstraints: [
        ...Object.entries(layers).map(([sourceTag, allowed]) => ({
          sourceTag,
          onlyDependOnLibsWithTags: specs && sourceTag !== 'type:util' ? [...new Set([...allowed, 'type:testing'])] : allowed,
          ...(sourceTag === 'type:domain' || sourceTag === 'type:util' ? { bannedExternalImports: ioModules } : {}),
        })),
        ...Object.entries(scopes).map(([sourceTag, allowed]) => ({ sourceTag, onlyDependOnLibsWithTags: allowed })),
      ],
    },
  ];
}

export default [
  { ignores: ['**/node_modules', '**/dist', '**/tmp', '.tools', '.nx', '**/*.fixture.ts', 'data', 'libs/shared/contracts/src/gen'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  // Layout is Prettier's (.prettierrc.json, checked by the test run): no ESLint rule argues with it.
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ specs: false }),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The dashboard (apps/dashboard): TypeScript and TSX for the browser, with the browser's globals
    // (not Node's, except in its build config and its specs), and the same boundaries and rules.
    files: ['apps/dashboard/**/*.ts', 'apps/dashboard/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The explorer bundles the docs' example queries as text (Vite's ?raw): docs are no project to import from otherwise.
      '@nx/enforce-module-boundaries': boundaries({ specs: false, allow: ['^(\\.\\./)+docs/[a-z0-9-]+\\.md\\?raw$'] }),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Bare browser globals that read like local names (`name`, `event`, `status`...) are bugs waiting to happen.
      'no-restricted-globals': ['error', 'event', 'name', 'length', 'status', 'top', 'parent', 'self', 'close', 'closed', 'origin', 'history', 'location'],
    },
  },
  {
    files: ['apps/dashboard/vite.config.ts', 'apps/dashboard/**/*.spec.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Domain libraries are pure: no framework, driver or I/O import, Node built-ins included.
    files: ['libs/*/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeIo.flatMap((m) => [m, `node:${m}`]).filter((m) => !m.includes('*')),
          patterns: [...ioModules, 'node:fs/*', 'fs/*'],
        },
      ],
    },
  },
  {
    files: ['tools/**/*.ts', 'tools/**/*.mjs', '**/*.spec.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries({ specs: true }) },
  },
  {
    // Tests assert on what they just wrote; a failed assumption fails the test anyway.
    files: ['**/*.spec.ts', 'libs/*/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
