module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  rootDir: '.',
  globalSetup: '../../tools/jest/postgres-global-setup.js',
  testTimeout: 180_000,
};
