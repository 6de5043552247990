#!/usr/bin/env bash
# `make bench` (size part): weighs the size floor (bench/size-floor: a bare list of
# webhooks on the dashboard's stack, built with the dashboard's release settings, which
# the Makefile passes in the environment) beside the dashboard's first load in dist/.
# The floor is what the stack costs before any of the console's features; the rest of
# the first load is theirs.
# Usage: scripts/size-floor.sh (after `make site`; run by `make bench`)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -f dist/index.html ] || { echo "size-floor: build the site first (make site)" >&2; exit 1; }

cargo build --quiet --release --target wasm32-unknown-unknown -p size-floor
work=$(mktemp -d "${TMPDIR:-/tmp}/size-floor-XXXXXX")
trap 'rm -rf "$work"' EXIT
wasm-bindgen --target web --no-typescript --out-dir "$work/bg" target/wasm32-unknown-unknown/release/size-floor.wasm
mkdir "$work/site"
# The same wasm-opt pass as the dashboard's wasm (scripts/split.mjs).
wasm-opt -Oz --converge --low-memory-unused --strip-debug --strip-producers "$work/bg/size-floor_bg.wasm" -o "$work/site/size-floor_bg.wasm"
cp "$work/bg/size-floor.js" "$work/site/"

node - "$work/site" dist <<'JS'
const { readFileSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { brotliCompressSync, constants } = require('node:zlib');
const brotli = (file) => {
  const bytes = readFileSync(file);
  return brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;
};
// The code of a first load: the main wasm module and the scripts (lazy chunks aside).
const code = (dir) => readdirSync(dir).filter((n) => n.endsWith('_bg.wasm') || n.endsWith('.js')).reduce((sum, n) => sum + brotli(join(dir, n)), 0);
const [floor, app] = [code(process.argv[2]), code(process.argv[3])];
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log('Size floor (bench/size-floor: a bare list on the same stack and release settings), brotli -q 11');
console.log(`  floor: main wasm + JS                         ${kB(floor).padStart(9)}`);
console.log(`  dashboard (dist/): main wasm + JS             ${kB(app).padStart(9)}   ${(app / floor).toFixed(2)}× the floor, ${kB(app - floor)} for its features`);
JS
