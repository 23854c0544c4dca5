// Shared Jest set-up: TypeScript through SWC (decorator metadata on for NestJS), path aliases
// from tsconfig.base.json, Node environment. Each project's jest.config.ts extends this.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const swcrc = JSON.parse(readFileSync(join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const { compilerOptions } = JSON.parse(readFileSync(join(__dirname, 'tsconfig.base.json'), 'utf8'));
const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace(/[/\-@]/g, (c) => `\\${c}`)}$`] = join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  setupFiles: [join(__dirname, 'tools/jest/setup-reflect.js')],
  testTimeout: 60_000,
  // seededDataDir's templates (gpds-seed-<pid>-*): Jest does not run its processes' exit handlers.
  globalTeardown: join(__dirname, 'tools/jest/seed-teardown.js'),
};
