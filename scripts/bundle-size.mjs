// Prints the raw and brotli (quality 11) size of the release first load and fails
// above the budget; prints the wasm chunks loaded on demand (src/widgets/lazy.rs) apart, since
// the first page (the list) does not fetch them. Usage: node scripts/bundle-size.mjs [dist]
import { readFileSync, readdirSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliSize } from './wasm-release.mjs';

/** Largest allowed brotli size of the first load (HTML + JS + wasm + CSS + config), in bytes. */
const FIRST_LOAD_BROTLI_BUDGET_BYTES = 210_000;
const SHIPPED_EXTENSIONS = new Set(['.html', '.js', '.wasm', '.css', '.json']);
/** The main module is `<name>_bg.wasm` (wasm-bindgen); any other wasm is a lazy chunk. */
const isLazyChunk = (name) => name.endsWith('.wasm') && !name.endsWith('_bg.wasm');

const dist = process.argv[2] ?? 'dist';
const files = readdirSync(dist).filter((name) => SHIPPED_EXTENSIONS.has(extname(name))).sort();
if (!files.some((name) => name.endsWith('_bg.wasm'))) {
  console.error(`bundle-size: no _bg.wasm in ${dist}: build the site first (make site)`);
  process.exit(1);
}
const kb = (n) => (n / 1000).toFixed(1);
const measure = (name) => {
  const bytes = readFileSync(join(dist, name));
  const compressed = brotliSize(bytes);
  console.log(`  ${name.padEnd(52)} ${String(bytes.length).padStart(9)} B raw ${String(compressed).padStart(8)} B brotli`);
  return [bytes.length, compressed];
};
let raw = 0;
let brotli = 0;
for (const name of files.filter((name) => !isLazyChunk(name))) {
  const [r, b] = measure(name);
  raw += r;
  brotli += b;
}
console.log(`first load: ${kb(raw)} kB raw, ${kb(brotli)} kB brotli (budget ${kb(FIRST_LOAD_BROTLI_BUDGET_BYTES)} kB)`);
const chunks = files.filter(isLazyChunk);
if (chunks.length > 0) {
  console.log('loaded on demand:');
  for (const name of chunks) measure(name);
}
if (brotli > FIRST_LOAD_BROTLI_BUDGET_BYTES) {
  console.error(`bundle-size: the first load is over budget by ${kb(brotli - FIRST_LOAD_BROTLI_BUDGET_BYTES)} kB`);
  process.exit(1);
}
