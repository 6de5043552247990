#!/usr/bin/env bash
# Socotra's own schema (api/data/socotra-webhooks-openapi.json) against the reference
# server, with Schemathesis (pinned; scripts/setup.sh installs it into .venv/): a fixed
# seed and a bounded number of cases per operation, checking that no answer is a server
# error, every answer has the content type and schema Socotra's schema gives, and every
# schema-violating request is refused. The divergences the contract decided are listed,
# each with its reason, in scripts/schemathesis_baseline.py; any other finding fails.
# The server runs on a fresh temporary database, without --dev and with the destination
# guard at its defaults (no --allow-destination), so nothing generated is delivered.
#
# Usage: scripts/schemathesis.sh [SERVER_BINARY]   (default target/debug/webhooks-server)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
server=${1:-$root/target/debug/webhooks-server}
port=${SCHEMATHESIS_PORT:-8093}
# The requests' tenant (scripts/schemathesis.toml reads it), that of the token below.
export SCHEMATHESIS_TENANT=2f0a4f4e-5b1e-4c1a-9a63-7c1f5d2e9b10
grants=webhooks.read,webhooks.list,webhooks.write,diverted-events.read,diverted-events.list,diverted-events.resend,diverted-events.delete,events.read,events.list

dir=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

database=$dir/webhooks.sqlite3
token=$("$server" token issue --database "$database" --tenant "$SCHEMATHESIS_TENANT" --grant "$grants" --label schemathesis | tail -n 1)
# Thousands of requests in seconds from one token: the rate limit is lifted for this run.
"$server" serve --listen "127.0.0.1:$port" --database "$database" --rate-limit 1000000 --rate-burst 1000000 2>"$dir/server.log" &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

# `filter_too_much` is suppressed: Hypothesis filters most strings it makes for Socotra's
# `ulid` format, which it does not know; with a small budget that alone fails the run.
# From the temporary folder: Schemathesis keeps its cache of failures (.schemathesis/) in
# the working directory, and a run must not depend on the ones before it.
cd "$dir"
SCHEMATHESIS_HOOKS=schemathesis_baseline PYTHONPATH="$root/scripts" \
  "$root/.venv/bin/schemathesis" --config-file "$root/scripts/schemathesis.toml" run \
  "$root/api/data/socotra-webhooks-openapi.json" \
  --url "http://127.0.0.1:$port" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,content_type_conformance,negative_data_rejection \
  --seed 29 --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-300}" --request-timeout 5 \
  --continue-on-failure --generation-database none \
  --suppress-health-check filter_too_much \
  --no-color --warnings off
