#!/usr/bin/env bash
# Coverage-guided fuzzing with AFL++ on stable Rust (cargo-afl), outside CI: the German
# resolver, the tenant file, Retell's signature header and the whole HTTP surface (API
# extractors, Retell's and Cal.com's signed payloads, Twilio, the dashboard's forms).
# Each target runs until it has executed EXECUTIONS inputs; a crash (a panic, or a 5xx
# from the HTTP target) fails the run and is kept under fuzz/out/TARGET/default/crashes.
#
#   scripts/fuzz.sh [EXECUTIONS] [TARGET…]
#   defaults: 2500000 executions each for when, tenant, signature and http (ten million).
#
# cargo-afl comes from crates.io and builds its AFL++ the first time (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
executions="${1:-2500000}"
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(when tenant signature http)

command -v cargo-afl >/dev/null || cargo install cargo-afl --locked --version '^0.15'
[[ -n "$(ls ~/.local/share/afl.rs/rustc-*/afl.rs-*/afl/bin/afl-fuzz 2>/dev/null)" ]] \
    || cargo afl config --build --force
cargo afl build --release -q
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
    AFL_NO_AFFINITY=1 AFL_QUIET=1
status=0
for target in "${targets[@]}"; do
    rm -rf "out/$target"
    mkdir -p out
    started=$(date +%s)
    # The coverage map the target needs, where it is larger than AFL++'s default (the
    # HTTP target's is: the whole server); a smaller setting would break the CmpLog run.
    map_size=$(AFL_DUMP_MAP_SIZE=1 "target/release/$target" </dev/null 2>/dev/null | tail -n 1 || true)
    AFL_MAP_SIZE=$(( map_size > 65536 ? map_size : 65536 )) cargo afl fuzz -i "seeds/$target" -o "out/$target" -E "$executions" -t 2000 \
        "target/release/$target" >"out-$target.log" 2>&1 || true
    stats="out/$target/default/fuzzer_stats"
    if [[ ! -f $stats ]]; then
        echo "$target: AFL++ did not start:" >&2
        tail -20 "out-$target.log" >&2
        status=1
        continue
    fi
    value() { awk -F' : ' -v k="$1" '$1 ~ "^"k" *$" { print $2 }' "$stats"; }
    crashes=$(value saved_crashes)
    printf '%-10s %10s executions in %5s s (%s/s), %s paths, edges %s, %s crashes, %s hangs\n' \
        "$target" "$(value execs_done)" "$(( $(date +%s) - started ))" "$(value execs_per_sec)" \
        "$(value corpus_count)" "$(value bitmap_cvg)" "$crashes" "$(value saved_hangs)"
    if [[ ${crashes:-0} -gt 0 ]]; then
        echo "  crashes kept in fuzz/out/$target/default/crashes" >&2
        status=1
    fi
done
exit $status
