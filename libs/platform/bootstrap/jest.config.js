module.exports = {
  displayName: 'platform-bootstrap',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
