module.exports = {
  displayName: 'reporting-queries',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testTimeout: 120_000,
};
