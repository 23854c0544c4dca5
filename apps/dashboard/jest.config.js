// The dashboard's unit tests: its pure modules (formatting, CSV, URL <-> view state, the GraphQL
// client's decisions) run in Node, which has Web Crypto and URLSearchParams as browsers do.
module.exports = {
  displayName: 'dashboard',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
