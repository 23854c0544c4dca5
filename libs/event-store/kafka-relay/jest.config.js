module.exports = {
  displayName: 'event-store-kafka-relay',
  preset: '../../../jest.preset.js',
  rootDir: '.',
};
