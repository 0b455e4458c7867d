#!/usr/bin/env bash
# Runs the test binaries with the system clock moved (libfaketime), so a test that
# depends on today's date fails today rather than some day. Only the test processes see
# the shifted clock; PostgreSQL and cargo do not, and nothing is rebuilt.
#
#   scripts/shifted-tests.sh                 # +365 days and -1 day, every test binary
#   scripts/shifted-tests.sh -1d api cli     # one shift, only these test binaries
set -euo pipefail
cd "$(dirname "$0")/.."

shifts=("+365d" "-1d")
if [[ $# -gt 0 && "$1" =~ ^[+-][0-9]+[smhdy]$ ]]; then
    shifts=("$1")
    shift
fi
only=("$@")

lib="$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1 || true)"
if [[ -z "$lib" ]]; then
    echo "libfaketime is missing: apt-get install faketime" >&2
    exit 2
fi

# Build once, and learn each test binary with the package directory it runs in.
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
cargo test --workspace --no-run --message-format=json 2>/dev/null | python3 -c '
import json, os, sys
for line in sys.stdin:
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(m["target"]["name"], os.path.dirname(m["manifest_path"]), m["executable"])
' | sort -u >"$list"

failed=0
for shift_by in "${shifts[@]}"; do
    while read -r name dir exe; do
        if [[ ${#only[@]} -gt 0 && ! " ${only[*]} " =~ " $name " ]]; then
            continue
        fi
        echo "== $name with the clock moved $shift_by"
        if ! (cd "$dir" && LD_PRELOAD="$lib" FAKETIME="$shift_by" FAKETIME_DONT_FAKE_MONOTONIC=1 \
                FAKETIME_DONT_RESET=1 "$exe" -q); then
            echo "!! $name failed with the clock moved $shift_by"
            failed=1
        fi
    done <"$list"
done
exit "$failed"
