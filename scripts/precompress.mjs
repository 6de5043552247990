// Trunk post_build hook, last step: writes NAME.br (brotli quality 11, the bytes the
// budget weighs) and NAME.gz (gzip level 9) beside each file of a release build, for the
// hosts that send precompressed files (webhooks-server --static-dir; nginx brotli_static,
// gzip_static). Not beside index.html and config.json: an operator edits config.json after
// deployment and then runs csp.mjs, which rewrites index.html, so copies of them would go
// stale; both are small and checked again on every load (no-cache). Trunk's SRI hashes
// in index.html are of the files themselves, which this never changes (a browser checks
// them on the decoded body). A copy that is not smaller than its file is not kept. Debug
// builds (`trunk serve`, whose server sends no precompressed files) are left alone.
// Usage: node scripts/precompress.mjs [dir] (default: Trunk's staging dir, release only)
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { brotliOptions } from './wasm-release.mjs';

/** Files an operator changes after the build (README, "Pointing the dashboard at another API"). */
const EDITED_AFTER_DEPLOYMENT = new Set(['index.html', 'config.json']);
const COMPRESSIBLE_EXTENSIONS = new Set(['.wasm', '.js', '.css', '.svg', '.html', '.json']);
const ENCODINGS = [
  { extension: '.br', compress: (bytes) => promisify(brotliCompress)(bytes, brotliOptions(bytes)) },
  { extension: '.gz', compress: (bytes) => promisify(gzip)(bytes, { level: constants.Z_BEST_COMPRESSION }) },
];

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('precompress: give the folder to compress (dist)');
  process.exit(1);
}
if (!process.argv[2] && process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const names = readdirSync(dir).filter(
  (name) => COMPRESSIBLE_EXTENSIONS.has(extname(name)) && !EDITED_AFTER_DEPLOYMENT.has(name) && statSync(join(dir, name)).isFile(),
);
const totals = { raw: 0, '.br': 0, '.gz': 0 };
// zlib's asynchronous calls run on libuv's threads: every core works.
await Promise.all(
  names.flatMap((name) => {
    const bytes = readFileSync(join(dir, name));
    totals.raw += bytes.length;
    return ENCODINGS.map(async ({ extension, compress }) => {
      const compressed = await compress(bytes);
      const path = join(dir, name + extension);
      if (compressed.length < bytes.length) {
        writeFileSync(path, compressed);
        totals[extension] += compressed.length;
      } else {
        rmSync(path, { force: true });
        totals[extension] += bytes.length;
      }
    });
  }),
);
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
console.log(
  `precompress: ${names.length} files, ${kb(totals.raw)} raw → ${kb(totals['.br'])} brotli, ${kb(totals['.gz'])} gzip`,
);
