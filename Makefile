# The two commands of the README: `make dev` and `make test`. Each installs what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CARGO_TERM_COLOR := never
LOGS := .make

.PHONY: dev test bench screenshots setup setup-test fmt lint unit site size schemathesis e2e summary clean

## make dev: the reference server with demo data (8081) and the dashboard (8080).
dev: setup
	scripts/dev.sh

## make test: every check and test, on a fresh temporary database.
test: setup-test
	@mkdir -p $(LOGS)
	$(MAKE) --no-print-directory lint unit site size schemathesis e2e summary

## make bench: measurements, not tests (prints figures beside their goals, never fails on one).
# Server: the three examples. Size: the wasm's largest items (scripts/wasm-top.sh, twiggy)
# and the size floor of the stack beside the first load (scripts/size-floor.mjs).
# Browser: the release dist/ served by the optimised server (server-release) with 100,000
# webhooks, measured in Chromium (scripts/bench-browser.sh, end2end/bench/).
BENCH_SERVER := target/server-release/webhooks-server
bench: setup-test site
	cargo run --quiet --profile server-release -p webhooks-server --example load
	cargo run --quiet --profile server-release -p webhooks-server --example delivery_load
	cargo run --quiet --profile server-release -p webhooks-server --example events_load
	cargo run --quiet --profile server-release -p webhooks-server --example isolation
	cargo build --quiet --profile server-release -p webhooks-server
	scripts/wasm-top.sh
	$(RELEASE_WASM_ENV) node scripts/size-floor.mjs
	scripts/bench-browser.sh $(BENCH_SERVER)

## make screenshots: the pictures under docs/screenshots (release site, real server).
screenshots: setup-test site
	cd end2end && npx playwright test --project=screenshots

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --browser

## make fmt: formats the Rust code and its `view!` macros (which rustfmt leaves alone).
fmt:
	leptosfmt --quiet src bench/size-floor/src
	cargo fmt --all

lint:
	leptosfmt --quiet --check src bench/size-floor/src
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo clippy -p webhooks-dashboard -p webhooks-api --target wasm32-unknown-unknown --features webhooks-dashboard/split --quiet -- -D warnings

unit:
	@mkdir -p $(LOGS)
	cargo test --workspace 2>&1 | tee $(LOGS)/cargo-test.log

# The release wasm is built size-first: the standard library rebuilt with the app
# (abort on panic without formatting, no panic locations, no Debug text). These are
# unstable flags of the pinned stable compiler, enabled by RUSTC_BOOTSTRAP for this one
# build only; they take about 25 kB brotli off the first load (see ARCHITECTURE.md).
RELEASE_WASM_ENV := RUSTC_BOOTSTRAP=1 \
	CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
	CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size \
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"

site:
	$(RELEASE_WASM_ENV) trunk build --release --features split
	cargo build --quiet -p webhooks-server

size:
	node scripts/bundle-size.mjs dist | tee $(LOGS)/size.log

# Socotra's own schema against the reference server (scripts/schemathesis.sh; its
# baseline of decided divergences: scripts/schemathesis_baseline.py). Needs `site`'s server.
schemathesis:
	@mkdir -p $(LOGS)
	scripts/schemathesis.sh target/debug/webhooks-server 2>&1 | tee $(LOGS)/schemathesis.log

e2e:
	@mkdir -p $(LOGS)
	cd end2end && npx playwright test --project=e2e 2>&1 | tee ../$(LOGS)/e2e.log

# Repeats the closing lines of every runner, so that the output ends with them.
summary:
	@scripts/summary.sh $(LOGS)

clean:
	rm -rf dist $(LOGS) end2end/test-results end2end/playwright-report
