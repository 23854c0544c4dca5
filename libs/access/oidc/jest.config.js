module.exports = {
  displayName: 'access-oidc',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
