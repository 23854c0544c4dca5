module.exports = {
  displayName: 'shared-reference-data',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
