module.exports = {
  displayName: 'submissions-kafka',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
