module.exports = {
  displayName: 'event-store-kurrentdb',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
