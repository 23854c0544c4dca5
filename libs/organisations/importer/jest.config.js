module.exports = {
  displayName: 'organisations-importer',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  globalSetup: '../../../tools/jest/postgres-global-setup.js',
  testTimeout: 300_000,
};
