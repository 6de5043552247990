#!/usr/bin/env bash
# `make dev`: the reference server with demo data on 8081 and `trunk serve` on 8080.
# Prints the URL to open once both answer; Ctrl-C stops both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p data

cargo build --quiet -p webhooks-server
server_log=data/dev-server.log
server= trunk=
stop() { kill ${server:-} ${trunk:-} 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT
trap 'stop; echo; echo "dev: stopped"; exit 0' INT TERM
: >"$server_log"
# The demo's webhooks point at its receiver on loopback: allow loopback as a destination.
# Standard output (which carries the sign-in link and its token) goes through a pipe read
# here, never to a file: the log gets every other line.
fifo=$(mktemp -u "${TMPDIR:-/tmp}/webhooks-dev-XXXXXX")
mkfifo -m 600 "$fifo"
target/debug/webhooks-server serve --listen 127.0.0.1:8081 --database data/webhooks.sqlite3 \
  --demo --dev --dashboard-url http://127.0.0.1:8080 \
  --allow-destination 127.0.0.0/8 --allow-destination ::1/128 >"$fifo" 2>>"$server_log" &
server=$!
exec 3<"$fifo"
rm -f "$fifo"
url=
while IFS= read -r line <&3; do
  case $line in
    *'#token='*) url=$(grep -o 'http://127.0.0.1:8080/tenants/[^ ]*' <<<"$line"); break ;;
    *) printf '%s\n' "$line" >>"$server_log" ;;
  esac
done
[ -n "$url" ] || { echo "dev: the server stopped:"; tail -20 "$server_log"; exit 1; }
cat <&3 >>"$server_log" &
trunk serve --port 8080 >data/dev-trunk.log 2>&1 &
trunk=$!

echo "dev: building the dashboard (logs in data/dev-trunk.log and $server_log)..."
until curl -fsS -o /dev/null http://127.0.0.1:8080/ 2>/dev/null; do
  kill -0 $trunk 2>/dev/null || { echo "dev: trunk serve stopped:"; tail -20 data/dev-trunk.log; exit 1; }
  kill -0 $server 2>/dev/null || { echo "dev: the server stopped:"; tail -20 "$server_log"; exit 1; }
  sleep 1
done
cat <<MSG

  Dashboard: $url
  API:       http://127.0.0.1:8081 (reference server, demo tenant seeded)

  Open the dashboard URL above; it signs you in to the demo tenant. Ctrl-C stops both.

MSG
wait -n $server $trunk
