module.exports = {
  displayName: 'access-http',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
