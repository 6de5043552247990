// `make bench` (size part): weighs the size floor (bench/size-floor: a bare list of
// webhooks on the dashboard's stack, built with the dashboard's release settings, which
// the Makefile passes in the environment, and optimised as split.mjs optimises the
// dashboard) beside the dashboard's first load in dist/. The floor is what the stack
// costs before any of the console's features; the rest of the first load is theirs.
// Usage: node scripts/size-floor.mjs (after `make site`; run by `make bench`)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WASM_OPT_RELEASE_ARGS, brotliSize } from './wasm-release.mjs';

process.chdir(join(dirname(fileURLToPath(import.meta.url)), '..'));
if (!existsSync('dist/index.html')) {
  console.error('size-floor: build the site first (make site)');
  process.exit(1);
}
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });

run('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'size-floor']);
const work = mkdtempSync(join(tmpdir(), 'size-floor-'));
let floor;
try {
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', work, 'target/wasm32-unknown-unknown/release/size-floor.wasm']);
  run('wasm-opt', [...WASM_OPT_RELEASE_ARGS, join(work, 'size-floor_bg.wasm'), '-o', join(work, 'size-floor_bg.wasm')]);
  floor = code(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
const app = code('dist');

/** The code of a first load: the main wasm module and the scripts (lazy chunks aside), brotli. */
function code(dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith('_bg.wasm') || name.endsWith('.js'))
    .reduce((sum, name) => sum + brotliSize(readFileSync(join(dir, name))), 0);
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log('Size floor (bench/size-floor: a bare list on the same stack and release settings), brotli -q 11');
console.log(`  floor: main wasm + JS                         ${kB(floor).padStart(9)}`);
console.log(`  dashboard (dist/): main wasm + JS             ${kB(app).padStart(9)}   ${(app / floor).toFixed(2)}× the floor, ${kB(app - floor)} for its features`);
