// Removes the seeded data-directory templates (libs/platform/testing seededDataDir) this run made.
// A template lives as long as the process that made it, but Jest ends its test processes without
// their 'exit' handlers, so they are removed here: those of this process, and any whose process is
// gone (a run that was killed, or test workers).
const { readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

module.exports = async function seedTeardown() {
  for (const name of readdirSync(tmpdir())) {
    const match = /^gpds-seed-(\d+)-/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
};
