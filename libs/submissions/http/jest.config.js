module.exports = {
  displayName: 'submissions-http',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
