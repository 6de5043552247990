#!/usr/bin/env bash
# `make bench` (size part): the largest items of the app's wasm, by twiggy.
#
# dist/'s wasm has no names (wasm-opt --strip-debug), so twiggy reads the wasm Cargo
# linked for the same release build (target/wasm32-unknown-unknown/release), which keeps
# them: the whole program (lazy chunks included, if the build splits), before
# wasm-bindgen and wasm-opt -Oz, so its items are larger than what ships; the listing
# leaves out its custom sections (names, wasm-bindgen's, relocations), which never ship.
# Usage: scripts/wasm-top.sh [count]
set -euo pipefail

TWIGGY_VERSION=0.8.0
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"
count=${1:-15}

# The pinned version, also in place of another one already installed.
if [ "$(twiggy --version 2>/dev/null | awk '{print $NF}')" != "$TWIGGY_VERSION" ]; then
  echo "wasm-top: installing twiggy $TWIGGY_VERSION"
  cargo install --locked --quiet --force twiggy --version "$TWIGGY_VERSION"
fi

wasm=target/wasm32-unknown-unknown/release/webhooks-dashboard.wasm
shipped=$(cat dist/*.wasm 2>/dev/null | wc -c)
[ -f "$wasm" ] && [ "$shipped" -gt 0 ] || { echo "wasm-top: build the release site first (make site)" >&2; exit 1; }

twiggy top -n $((count + 40)) -f json "$wasm" | node -e '
  const [count, shipped, version, file] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3], process.argv[4]];
  const items = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const custom = (i) => /^custom section |"function names" subsection|"local names" subsection|^\.\.\. and \d+ more|^Σ/.test(i.name);
  const kB = (n) => (n / 1000).toFixed(1) + " kB";
  const top = items.filter((i) => !custom(i)).slice(0, count);
  console.log(`wasm: the ${count} largest items (twiggy ${version}) of ${file}`);
  console.log(`(before wasm-bindgen and wasm-opt; custom sections left out; dist/ ships ${kB(shipped)} of wasm)`);
  console.log("     bytes  item");
  for (const i of top) {
    const plain = i.name.replace(/\[[0-9a-f]{6,16}\]/g, ""); // crate disambiguators
    const name = plain.length > 130 ? plain.slice(0, 127) + "..." : plain;
    console.log(`${String(i.shallow_size).padStart(10)}  ${name}`);
  }
' "$count" "$shipped" "$(twiggy --version | awk '{print $NF}')" "$wasm"
