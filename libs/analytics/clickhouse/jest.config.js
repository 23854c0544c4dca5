module.exports = {
  displayName: 'analytics-clickhouse',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testTimeout: 120_000,
};
