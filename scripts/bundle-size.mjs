// Prints the raw and brotli (quality 11) size of the release first load and fails
// above the budget. Usage: node scripts/bundle-size.mjs [dist]
import { readFileSync, readdirSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** Largest allowed brotli size of the first load (HTML + JS + wasm + CSS + config), in bytes. */
const FIRST_LOAD_BROTLI_BUDGET_BYTES = 250_000;
const FIRST_LOAD_EXTENSIONS = new Set(['.html', '.js', '.wasm', '.css', '.json']);

const dist = process.argv[2] ?? 'dist';
const files = readdirSync(dist).filter((name) => FIRST_LOAD_EXTENSIONS.has(extname(name))).sort();
if (!files.some((name) => name.endsWith('.wasm'))) {
  console.error(`bundle-size: no .wasm in ${dist}: build the site first (trunk build --release)`);
  process.exit(1);
}
let raw = 0;
let brotli = 0;
for (const name of files) {
  const bytes = readFileSync(join(dist, name));
  const compressed = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  raw += bytes.length;
  brotli += compressed.length;
  console.log(`  ${name.padEnd(48)} ${String(bytes.length).padStart(9)} B raw ${String(compressed.length).padStart(8)} B brotli`);
}
const kb = (n) => (n / 1000).toFixed(1);
console.log(`first load: ${kb(raw)} kB raw, ${kb(brotli)} kB brotli (budget ${kb(FIRST_LOAD_BROTLI_BUDGET_BYTES)} kB)`);
if (brotli > FIRST_LOAD_BROTLI_BUDGET_BYTES) {
  console.error(`bundle-size: the first load is over budget by ${kb(brotli - FIRST_LOAD_BROTLI_BUDGET_BYTES)} kB`);
  process.exit(1);
}
