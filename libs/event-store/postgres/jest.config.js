module.exports = {
  displayName: 'event-store-postgres',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
