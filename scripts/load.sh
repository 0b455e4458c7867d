#!/usr/bin/env bash
# Load test of the HTTP API on this machine: a release build of `askpro serve` on a
# fresh SQLite file, then the load generator (availability, then bookings).
# Usage: scripts/load.sh [SECONDS] [CONNECTIONS]   — traffic stays on 127.0.0.1.
# The voice functions run with VOICE_CONNECTIONS (default 50) concurrent calls.
# ASKPRO_LOAD_DATABASE_URL=postgres://… runs it on an empty PostgreSQL database instead.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
connections="${2:-32}"
work="$(mktemp -d)"
db="${ASKPRO_LOAD_DATABASE_URL:-sqlite://$work/load.db}"
port=18080
export ASKPRO_ADMIN_TOKEN="load-$(date +%s)"
# The load comes from one token, far above the per-token API limit: measure without it.
export ASKPRO_RATE_LIMIT_PER_MINUTE=0
export ASKPRO_LOG=warn
export ASKPRO_RETELL_API_KEY="load-retell-$(date +%s)"

cargo build --release -p askpro --bin askpro --example loadgen
bin=target/release/askpro
$bin --database-url "$db" tenant apply examples/salon-sonnenschein.toml >/dev/null
$bin --database-url "$db" tenant apply benches/load-tenant.toml >/dev/null
$bin --database-url "$db" serve --listen "127.0.0.1:$port" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

loadgen="target/release/examples/loadgen --base http://127.0.0.1:$port --connections $connections --seconds $seconds"
$loadgen availability --company salon-sonnenschein
$loadgen book --company load-test
# The voice agent's functions at 50 concurrent calls, as Retell sends them.
voice="target/release/examples/loadgen --base http://127.0.0.1:$port --connections ${VOICE_CONNECTIONS:-50} --seconds $seconds"
$voice voice-availability
$voice voice-book --days-ahead 30
# Fifty calls in progress, each caller talking a second between function calls.
$voice --pause-ms 1000 voice-availability
$voice --pause-ms 1000 voice-book --days-ahead 90
