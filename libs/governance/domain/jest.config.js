module.exports = {
  displayName: 'governance',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
