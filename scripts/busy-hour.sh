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
#   ASKPRO_BUSY_SERVERS=3 runs three `askpro serve` processes on the one database (the
#   load generator takes them in turn); ASKPRO_BUSY_WORKERS=2 adds two `askpro worker`
#   processes and runs the servers without their own worker. The simulated day of the
#   README: ASKPRO_BUSY_SERVERS=3 ASKPRO_BUSY_WORKERS=2 ASKPRO_BUSY_POSTGRES=… \
#   scripts/busy-hour.sh paced 10000 200
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
servers_wanted="${ASKPRO_BUSY_SERVERS:-1}"
workers_wanted="${ASKPRO_BUSY_WORKERS:-0}"
serve_flags=()
[[ $workers_wanted -gt 0 ]] && serve_flags=(--no-worker)
servers=() workers=() bases=()
trap 'kill ${servers[*]} ${workers[*]} 2>/dev/null; wait 2>/dev/null; cleanup_db; rm -rf "$work"' EXIT
for i in $(seq 0 $((servers_wanted - 1))); do
    $bin --database-url "$db" serve --listen "127.0.0.1:$((port + i))" "${serve_flags[@]}" \
        2>"$work/server-$i.log" &
    servers+=($!)
    bases+=("http://127.0.0.1:$((port + i))")
done
for i in $(seq 1 "$workers_wanted"); do
    $bin --database-url "$db" worker 2>"$work/worker-$i.log" &
    workers+=($!)
done
for i in "${!bases[@]}"; do
    for _ in $(seq 1 100); do curl -sf "${bases[$i]}/healthz" >/dev/null && break; sleep 0.1; done
    if ! kill -0 "${servers[$i]}" 2>/dev/null; then
        echo "server $i did not start (is port $((port + i)) taken? set ASKPRO_BUSY_PORT):" >&2
        cat "$work/server-$i.log" >&2
        exit 1
    fi
done

status=0
target/release/examples/busyhour --base "$(IFS=,; echo "${bases[*]}")" --mode "$mode" \
    --calls "$calls" --concurrency "$concurrency" --database-url "$db" \
    --server-pid "$(IFS=,; echo "${servers[*]}")" || status=$?

# SIGTERM: how long until every process has exited.
started=$(date +%s%N)
kill -TERM "${servers[@]}" "${workers[@]}"
for pid in "${servers[@]}" "${workers[@]}"; do
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "  process $pid still running 15 s after SIGTERM"
        status=1
    fi
done
echo "  all processes exited $(( ($(date +%s%N) - started) / 1000000 )) ms after SIGTERM"
errors=$(cat "$work"/*.log | grep -c -E " ERROR " || true)
echo "  logs: $errors error lines"
cat "$work"/*.log | grep -E " ERROR " | head -5 || true
exit $status
