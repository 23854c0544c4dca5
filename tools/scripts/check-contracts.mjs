#!/usr/bin/env node
// The protobuf contracts lint clean (buf lint), and the TypeScript checked in under
// libs/shared/contracts/src/gen is exactly what they generate (buf generate, then git status).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const proto = join(root, 'proto');
const buf = join(root, 'node_modules', '@bufbuild', 'buf', 'bin', 'buf');
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
const run = (args) => execFileSync(process.execPath, [buf, ...args], { cwd: proto, env, stdio: 'inherit' });

run(['lint']);
run(['generate']);
const changed = execFileSync('git', ['status', '--porcelain', '--', 'libs/shared/contracts/src/gen'], { cwd: root }).toString();
if (changed.trim()) {
  console.error(`The generated contracts differ from proto/: run 'npm run proto:generate' and commit the result.\n${changed}`);
  process.exit(1);
}
console.log('contracts: buf lint clean; generated TypeScript up to date');
