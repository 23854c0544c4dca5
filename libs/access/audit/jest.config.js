module.exports = {
  displayName: 'access-audit',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  globalSetup: '../../../tools/jest/postgres-global-setup.js',
};
