#!/usr/bin/env bash
# Load test of the HTTP API on this machine: a release build of `askpro serve` on a
# fresh SQLite file, then the load generator (availability, then bookings).
# Usage: scripts/load.sh [SECONDS] [CONNECTIONS]   — traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
connections="${2:-32}"
work="$(mktemp -d)"
db="sqlite://$work/load.db"
port=18080
export ASKPRO_ADMIN_TOKEN="load-$(date +%s)"
export ASKPRO_LOG=warn

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
