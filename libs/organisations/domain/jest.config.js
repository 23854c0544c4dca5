module.exports = {
  displayName: 'organisations',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
