#!/usr/bin/env bash
# The busy-hour benchmark: a release build of `askpro serve` with the physiotherapy
# practice of benches/busy-hour-tenant.toml on a fresh database, then many simulated
# phone calls with their webhooks (crates/cli/examples/busyhour), then the server's
# CPU and memory, the consistency checks, and how long SIGTERM takes to end it.
#
#   scripts/busy-hour.sh [paced|stress] [CALLS] [CALLS_AT_ONCE]
#   defaults: paced 1000 200; stress runs back to back, e.g. `stress 1000 50`.
#   ASKPRO_BUSY_POSTGRES=postgres://postgres@127.0.0.1:5432/test runs it on a fresh
#   PostgreSQL database beside that one (dropped afterwards) instead of SQLite.
# Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-paced}"
calls="${2:-1000}"
concurrency="${3:-$([[ $mode == stress ]] && echo 50 || echo 200)}"
port="${ASKPRO_BUSY_PORT:-18090}"
work="$(mktemp -d)"
export ASKPRO_LOG="${ASKPRO_LOG:-warn}"
export ASKPRO_RETELL_API_KEY="busy-hour-$(date +%s)"
export ASKPRO_ADMIN_TOKEN="busy-hour-admin"

if [[ -n "${ASKPRO_BUSY_POSTGRES:-}" ]]; then
    name="askpro_busy_$$"
    admin="$ASKPRO_BUSY_POSTGRES"
    psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
    db="${admin%/*}/$name"
    cleanup_db() { psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null; }
else
    db="sqlite://$work/busy.db"
    cleanup_db() { :; }
fi

cargo build --release -q -p askpro --bin askpro --example busyhour
bin=target/release/askpro
$bin --database-url "$db" tenant apply benches/busy-hour-tenant.toml >/dev/null
$bin --database-url "$db" serve --listen "127.0.0.1:$port" 2>"$work/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; cleanup_db; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
if ! kill -0 $server 2>/dev/null; then
    echo "the server did not start (is port $port taken? set ASKPRO_BUSY_PORT):" >&2
    cat "$work/server.log" >&2
    exit 1
fi

status=0
target/release/examples/busyhour --base "http://127.0.0.1:$port" --mode "$mode" \
    --calls "$calls" --concurrency "$concurrency" --database-url "$db" --server-pid "$server" || status=$?

# SIGTERM: how long until the server has exited.
started=$(date +%s%N)
kill -TERM $server
for _ in $(seq 1 300); do kill -0 $server 2>/dev/null || break; sleep 0.05; done
if kill -0 $server 2>/dev/null; then
    echo "  server still running 15 s after SIGTERM"
    status=1
else
    echo "  server exited $(( ($(date +%s%N) - started) / 1000000 )) ms after SIGTERM"
fi
errors=$(grep -c -E " ERROR " "$work/server.log" || true)
echo "  server log: $errors error lines"
grep -E " ERROR " "$work/server.log" | head -5 || true
exit $status
