// What a release wasm is made and weighed with, shared by the build (split.mjs,
// precompress.mjs), the budget (bundle-size.mjs) and the size floor (size-floor.mjs), so
// that they agree: the brotli files the build writes are the bytes the budget weighs.
import { brotliCompressSync, constants } from 'node:zlib';

/** wasm-opt's arguments for a release module: size first, no names or producers. */
export const WASM_OPT_RELEASE_ARGS = ['-Oz', '--converge', '--low-memory-unused', '--strip-debug', '--strip-producers'];

/** zlib's options for brotli as the budgets count it and the build writes it: quality 11. */
export function brotliOptions(bytes) {
  return { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } };
}

/** The size of `bytes` as the budgets count it: brotli, quality 11. */
export function brotliSize(bytes) {
  return brotliCompressSync(bytes, brotliOptions(bytes)).length;
}
