#!/usr/bin/env bash
# Installs whatever is missing to build and test the project, at pinned versions.
# Idempotent and quiet when everything is there. `--browser` also installs Chromium.
set -euo pipefail

TRUNK_VERSION=0.21.14
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.cargo/bin:$PATH"

say() { echo "setup: $*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# wasm-bindgen-cli must equal the wasm-bindgen crate that Cargo.lock resolved.
wasm_bindgen_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)

# The compiler of rust-toolchain.toml, with its wasm target and components (rust-src: the
# release wasm rebuilds the standard library). rustup installs nothing by itself here
# (RUSTUP_AUTO_INSTALL=0), so this asks for it; a no-op once it is there.
rustup --quiet toolchain install --no-self-update

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing Trunk $TRUNK_VERSION (about 9 minutes the first time)"
  cargo install --locked --quiet trunk --version "$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (about 3 minutes the first time)"
  cargo install --locked --quiet wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

# Formats the `view!` macros, which rustfmt leaves alone (`make lint` checks them).
LEPTOSFMT_VERSION=0.1.33
if [ "$(leptosfmt --version 2>/dev/null || true)" != "leptosfmt $LEPTOSFMT_VERSION" ]; then
  say "installing leptosfmt $LEPTOSFMT_VERSION (about 2 minutes the first time)"
  cargo install --locked --quiet leptosfmt --version "$LEPTOSFMT_VERSION"
fi

# The splitter that cuts the lazy routes into wasm chunks (scripts/split.mjs); it has no --version.
WASM_SPLIT_VERSION=0.2.4
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (about 3 minutes the first time)"
  cargo install --locked --quiet wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

# Trunk builds offline (`offline = true` also passes --offline to Cargo): fetch the crates
# first, the workspace's and those of the standard library rebuilt for the release wasm.
cargo fetch --quiet
RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort cargo fetch --quiet --target wasm32-unknown-unknown

# npm packages: Playwright and wasm-opt (binaryen@132; Debian's binaryen breaks the wasm).
if [ ! -f end2end/node_modules/.package-lock.json ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages in end2end/"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

# Python tools of the tests (Schemathesis, hypothesis-jsonschema, standardwebhooks), every
# package pinned in scripts/requirements.txt, in a virtual environment of the repository
# (.venv/, ignored by git); reinstalled when the list changes.
if ! cmp -s scripts/requirements.txt .venv/requirements.txt; then
  say "installing the Python test tools into .venv/"
  rm -rf .venv
  if ! python3 -m venv .venv 2>/dev/null; then
    # Debian's python3 makes environments only with python3-venv.
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    rm -rf .venv
    python3 -m venv .venv
  fi
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements.txt
  cp scripts/requirements.txt .venv/requirements.txt
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
