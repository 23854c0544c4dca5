// The dashboard's unit tests: its pure modules (formatting, CSV, URL <-> view state, the GraphQL
// client's decisions) and its data loaders (views' load* functions, prefetch) run in Node, which
// has Web Crypto, fetch's Response and URLSearchParams as browsers do. .tsx modules compile with
// React's automatic JSX runtime, as Vite compiles them; nothing is rendered here (the browser
// tests in apps/platform render the page).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const preset = require('../../jest.preset.js');

const swcrc = JSON.parse(readFileSync(join(__dirname, '..', '..', '.swcrc'), 'utf8'));
delete swcrc.$schema;

module.exports = {
  displayName: 'dashboard',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: [...preset.moduleFileExtensions, 'tsx'],
  transform: {
    ...preset.transform,
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        ...swcrc,
        swcrc: false,
        jsc: { ...swcrc.jsc, parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } },
      },
    ],
  },
};
