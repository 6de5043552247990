#!/usr/bin/env bash
# `make bench` (browser part): serves a copy of the release dist/ from the reference
# server on a free port, with a fresh database holding 100,000 webhooks in the demo
# tenant, and runs the Playwright benchmark (end2end/bench/*.bench.ts) against it in
# Debian's Chromium. Prints figures and goals; never fails on a figure (only when a
# measurement could not be taken at all).
# Usage: scripts/bench-browser.sh [path/to/webhooks-server [playwright args...]]
#   (default: the server-release build; e.g. `... -g memory` runs one figure)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
server=$(realpath "${1:-target/server-release/webhooks-server}")
tenant=6f1c7a52-0d3e-4b8a-9d1e-5e2f3a4b5c6d
webhooks=100000
# The figures over an emulated network (issue 20) use a tenant of 300 webhooks and a few events.
small_tenant=2b4c6d8e-1a3b-4c5d-8e9f-0a1b2c3d4e5f
small_webhooks=300
small_events=60
grants=webhooks.read,webhooks.list,webhooks.write,diverted-events.read,diverted-events.list,diverted-events.resend,diverted-events.delete,events.read,events.list

[ -x "$server" ] || { echo "bench-browser: no server at $server (cargo build --profile server-release -p webhooks-server)" >&2; exit 1; }
[ -f dist/index.html ] || { echo "bench-browser: no dist/: build the site first (make site)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/webhooks-bench-XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A copy of dist/, so that a rebuild meanwhile changes nothing and the static "floor"
# page the benchmark writes (bench-floor.html) never lands in dist/.
cp -r dist "$work/site"
database="$work/webhooks.sqlite3"
"$server" seed --database "$database" --tenant "$tenant" --count "$webhooks" >/dev/null
token=$("$server" token issue --database "$database" --tenant "$tenant" --grant "$grants" --label bench | tail -n 1)
"$server" seed --database "$database" --tenant "$small_tenant" --count "$small_webhooks" >/dev/null
small_token=$("$server" token issue --database "$database" --tenant "$small_tenant" --grant "$grants" --label bench | tail -n 1)

port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
# The per-token rate limit is raised: the benchmark measures the dashboard, not the limiter
# (200 navigations and repeated loads would otherwise meet 429s).
# --dev: the events of the small tenant are raised through the development intake.
RUST_LOG=warn "$server" serve --listen "127.0.0.1:$port" --database "$database" --static-dir "$work/site" \
  --rate-limit 100000 --rate-burst 100000 --dev >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done

# A type none of the seeded webhooks receives (their types: MANY_EVENT_TYPES in
# server/src/demo.rs): they point at public example.com hosts, and the benchmark sends
# nothing off this machine.
for i in $(seq "$small_events"); do
  curl -fsS -X POST "http://127.0.0.1:$port/dev/$small_tenant/events" -H 'Content-Type: application/json' \
    -d "{\"type\":\"policy.renewal.issue\",\"data\":{\"n\":$i}}" >/dev/null
done

echo "browser bench: $(basename "$server") ($server) on 127.0.0.1:$port, $webhooks webhooks in tenant $tenant"
status=0
(
  cd end2end
  BENCH_BASE_URL="http://127.0.0.1:$port" BENCH_TENANT="$tenant" BENCH_TOKEN="$token" BENCH_SITE="$work/site" \
    BENCH_OUT="$work/table.txt" BENCH_WEBHOOKS="$webhooks" BENCH_SMALL_TENANT="$small_tenant" BENCH_SMALL_TOKEN="$small_token" \
    npx playwright test --config=playwright.bench.config.ts "${@:2}"
) || status=$?
echo
if [ -f "$work/table.txt" ]; then cat "$work/table.txt"; else echo "browser bench: no table was written" >&2; fi
if [ "$status" -ne 0 ]; then
  echo "browser bench: some measurements could not be taken (see above); the table shows what was measured" >&2
fi
exit "$status"
