// Trunk post_build hook: cuts the split points of the wasm (src/widgets/lazy.rs) into chunks
// loaded on demand, and runs wasm-opt (release) on what ships. When the wasm Cargo just
// built has split points (`--features split`), it redoes what Trunk did for the rust link
// with the splitter in between, the order cargo-leptos uses:
//   raw wasm (linked with --emit-relocs, see build.rs)
//   -> wasm-split-cli  (crate wasm_split_cli_support 0.2.x, feature build-binary):
//        main wasm + one wasm per split point + shared chunks + __wasm_split.js (loader)
//   -> wasm-bindgen --target web --keep-lld-exports (the chunks import the main module's
//        table, memory and functions by their linker names) on the main wasm only
//   -> wasm-opt on every wasm (release)
// and writes the result over Trunk's files in the staging dir under Trunk's hashed names,
// renaming the loader and the chunks after the same hash. Without split points it only
// optimises Trunk's wasm. Either way it then refreshes the SRI hashes in index.html.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASM_OPT_RELEASE_ARGS } from './wasm-release.mjs';

const staging = process.env.TRUNK_STAGING_DIR;
const source = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
const profile = process.env.TRUNK_PROFILE ?? 'debug';
const crate = 'webhooks-dashboard';
const targetDir = process.env.CARGO_TARGET_DIR ?? join(source, 'target');
const rawWasm = join(targetDir, 'wasm32-unknown-unknown', profile, `${crate}.wasm`);

const jsName = readdirSync(staging).find((n) => n.startsWith(`${crate}-`) && n.endsWith('.js'));
if (!jsName) throw new Error(`split: no ${crate}-*.js in ${staging}`);
const stem = jsName.slice(0, -'.js'.length); // webhooks-dashboard-<trunk hash>
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });

// wasm-opt runs here, not in Trunk (index.html: data-wasm-opt="0"), so that a split
// build optimises each module once.
const optimize = (from, to) => {
  if (profile === 'release') {
    run('wasm-opt', [...WASM_OPT_RELEASE_ARGS, from, '-o', to]);
  } else if (from !== to) {
    writeFileSync(to, readFileSync(from));
  }
};

if (readFileSync(rawWasm).includes('__wasm_split_placeholder__')) {
  const work = mkdtempSync(join(tmpdir(), 'split-'));
  run('wasm-split-cli', ['--target', 'web', '--out-name', stem, rawWasm, join(work, 'split')]);
  run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--no-typescript',
    '--out-name', stem, '--out-dir', join(work, 'bg'), join(work, 'split', `${stem}.wasm`)]);

  const loaderName = `${stem}-split.js`;
  const chunks = readdirSync(join(work, 'split')).filter((n) => n.endsWith('.wasm') && n !== `${stem}.wasm`);

  optimize(join(work, 'bg', `${stem}_bg.wasm`), join(staging, `${stem}_bg.wasm`));
  let loader = readFileSync(join(work, 'split', '__wasm_split.js'), 'utf8');
  for (const chunk of chunks) {
    const hashed = `${stem}-${chunk.replace(/^split_+/, '')}`;
    optimize(join(work, 'split', chunk), join(staging, hashed));
    loader = loader.replaceAll(`"./${chunk}"`, `"./${hashed}"`);
  }
  writeFileSync(join(staging, loaderName), loader);
  // Only the `import ... from` specifiers: the keys of the imports object must keep the wasm's
  // import module name "./__wasm_split.js".
  const glue = readFileSync(join(work, 'bg', `${stem}.js`), 'utf8').replaceAll('from "./__wasm_split.js"', `from "./${loaderName}"`);
  writeFileSync(join(staging, jsName), glue);
  rmSync(work, { recursive: true, force: true });
} else {
  // No split points (`trunk serve`, or a build without the feature): only optimise.
  const wasm = join(staging, `${stem}_bg.wasm`);
  optimize(wasm, wasm);
}

// Trunk wrote SRI hashes of its own files into index.html: recompute those we replaced.
const sri = (name) => `sha384-${createHash('sha384').update(readFileSync(join(staging, name))).digest('base64')}`;
const indexPath = join(staging, 'index.html');
let html = readFileSync(indexPath, 'utf8');
for (const name of [jsName, `${stem}_bg.wasm`]) {
  const link = new RegExp(`(href="[^"]*${name.replaceAll('.', '\\.')}"[^>]*integrity=")[^"]*`);
  html = html.replace(link, `$1${sri(name)}`);
}
writeFileSync(indexPath, html);

