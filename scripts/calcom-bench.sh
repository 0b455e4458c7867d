#!/usr/bin/env bash
# What Cal.com costs AskPro (crates/cli/examples/calcombench.rs), all in one process on a
# fresh database, with the Cal.com stand-in answering every request after 50 ms: the
# voice agent's check_availability over HTTP with Cal.com's free slots asked every time
# and cached, then a force-sync that mirrors 1,000 bookings made on Cal.com's booking
# page and a second one that must find nothing.
#
#   scripts/calcom-bench.sh [--calls N] [--bookings N] [--latency-ms MS] [--when TEXT] [--json]
#   defaults: 200 calls per run, 1000 bookings, 50 ms, "morgen um 10 Uhr".
#   ASKPRO_CALCOM_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/test runs it on a fresh
#   PostgreSQL database beside that one (dropped afterwards) instead of SQLite.
# Traffic stays on 127.0.0.1. Exits 1 when a check of the bench fails.
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")

if [[ -n "${ASKPRO_CALCOM_BENCH_POSTGRES:-}" ]]; then
    admin="$ASKPRO_CALCOM_BENCH_POSTGRES"
    name="askpro_calcom_bench_$$"
    psql "$admin" -qc "CREATE DATABASE $name" >/dev/null
    trap 'psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null' EXIT
    args+=(--database-url "${admin%/*}/$name")
fi

cargo build --release -q -p askpro --example calcombench
target/release/examples/calcombench "${args[@]}"
