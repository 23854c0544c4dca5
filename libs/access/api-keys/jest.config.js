module.exports = {
  displayName: 'access-api-keys',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  globalSetup: '../../../tools/jest/postgres-global-setup.js',
};
