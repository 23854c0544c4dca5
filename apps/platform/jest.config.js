module.exports = {
  displayName: 'platform',
  preset: '../../jest.preset.js',
  rootDir: '.',
  globalSetup: '../../tools/jest/postgres-global-setup.js',
  testTimeout: 120_000,
};
