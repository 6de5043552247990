// What a release wasm is made and weighed with, shared by the build (split.mjs), the
// budget (bundle-size.mjs) and the size floor (size-floor.mjs), so that they agree.
import { brotliCompressSync, constants } from 'node:zlib';

/** wasm-opt's arguments for a release module: size first, no names or producers. */
export const WASM_OPT_RELEASE_ARGS = ['-Oz', '--converge', '--low-memory-unused', '--strip-debug', '--strip-producers'];

/** The size of `bytes` as the budgets count it: brotli, quality 11. */
export function brotliSize(bytes) {
  return brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }).length;
}
