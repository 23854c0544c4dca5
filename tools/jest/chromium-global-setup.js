// Makes sure the browser the dashboard's end-to-end tests and benchmark drive is installed:
// Debian's `chromium` at /usr/bin/chromium (playwright-core brings no browser of its own), with
// its British English locale (`chromium-l10n`: without it Chromium has en-US only, and the
// dashboard's date controls read mm/dd/yyyy in the tests and their screenshots). When they are
// missing, install the Debian packages, as postgres-global-setup.js starts PostgreSQL when it is
// down. Shaped as a Jest globalSetup (an async function), and runnable on its own
// (`node tools/jest/chromium-global-setup.js`), which is how libs/platform/testing's browser
// helper calls it: only the tests that open a browser need one.
const { spawnSync } = require('node:child_process');
const { accessSync, constants } = require('node:fs');

const CHROMIUM = '/usr/bin/chromium';
const EN_GB = '/usr/lib/chromium/locales/en-GB.pak';
const BY_HAND = 'apt-get update && apt-get install -y --no-install-recommends chromium chromium-l10n';

function present(path, mode) {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** Runs apt-get with its progress on stderr (stdout belongs to whoever called us); resolves with its exit code. */
function aptGet(args) {
  process.stderr.write(`[tests] apt-get ${args.join(' ')}\n`);
  const run = spawnSync('apt-get', args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 2, 2],
    timeout: 900_000,
  });
  if (run.error) process.stderr.write(`[tests] apt-get could not run: ${run.error.message}\n`);
  return run.status;
}

/** Installs `packages`; refreshes the package lists and tries again once when the first try fails (stale lists name a version the mirror dropped). */
function install(packages) {
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  return aptGet(args) === 0 || (aptGet(['update']) === 0 && aptGet(args) === 0);
}

const isRoot = () => typeof process.getuid !== 'function' || process.getuid() === 0;

/** Installs Debian's chromium (and its locales) when missing; throws saying what to do when the browser cannot be had. */
async function chromiumGlobalSetup() {
  const browser = present(CHROMIUM, constants.X_OK);
  const locale = present(EN_GB, constants.R_OK);
  if (browser && locale) return;
  if (browser) {
    // The tests run without it (the date controls then read the American way): try, and say so if it cannot be had.
    if (isRoot() && install(['chromium-l10n'])) return;
    process.stderr.write(`[tests] ${EN_GB} is missing and could not be installed: date controls will show mm/dd/yyyy (install chromium-l10n to fix)\n`);
    return;
  }
  if (!isRoot())
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}, which is missing, and only root may install it: run \`sudo sh -c '${BY_HAND}'\` and rerun.`,
    );
  process.stderr.write(`[tests] ${CHROMIUM} is missing: installing Debian's chromium and chromium-l10n packages (a minute or two the first time)\n`);
  if (!install(['chromium', 'chromium-l10n']))
    throw new Error(
      `Installing Debian's chromium package failed (apt-get's output is above: no network, or no reachable Debian mirror?): fix that and run \`${BY_HAND}\`, then rerun.`,
    );
  if (!present(CHROMIUM, constants.X_OK)) throw new Error(`apt-get installed chromium but there is no ${CHROMIUM}: check \`dpkg -L chromium\` and rerun.`);
  process.stderr.write(`[tests] chromium installed at ${CHROMIUM}\n`);
}

module.exports = chromiumGlobalSetup;

if (require.main === module)
  chromiumGlobalSetup().catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
