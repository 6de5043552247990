// Writes the API origins of config.json into the Content-Security-Policy of index.html
// (connect-src), so that the dashboard may call exactly the configured environments.
// Trunk runs it after each build (Trunk.toml); after editing a deployed config.json, run
// it again on the deployed folder: node scripts/csp.mjs /path/to/dist
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp: give the folder that holds index.html and config.json');
  process.exit(1);
}
const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
const origins = new Set();
for (const url of [config.apiBaseUrl, ...(config.environments ?? []).map((e) => e.apiBaseUrl)]) {
  if (url) origins.add(new URL(url).origin);
}
const indexPath = join(dir, 'index.html');
const html = readFileSync(indexPath, 'utf8');
const policy = /(http-equiv="Content-Security-Policy"[^>]*?connect-src )[^;"]*/;
if (!policy.test(html)) {
  console.error('csp: index.html has no Content-Security-Policy with connect-src');
  process.exit(1);
}
writeFileSync(indexPath, html.replace(policy, `$1${["'self'", ...origins].join(' ')}`));
