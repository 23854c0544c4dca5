module.exports = {
  displayName: 'reporting-dashboard-http',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
