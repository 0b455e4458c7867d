#!/usr/bin/env bash
# What the dashboard's browser tests (crates/cli/tests/web/browser) need: Chromium and
# its chromedriver (Debian's packages) and axe-core (from the npm registry) under
# target/browser-deps. Installs only what is missing, so a second run costs nothing.
# Without them the browser tests skip rather than fail; CI runs this so they never skip.
#
#   scripts/browser-test-deps.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# The version the accessibility test was last checked with; a new axe may add rules.
AXE_VERSION="4.14.1"
deps="${CARGO_TARGET_DIR:-target}/browser-deps"

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) >/dev/null
fi

installed="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$deps/node_modules/axe-core/package.json" 2>/dev/null | head -n 1 || true)"
if [[ "$installed" != "$AXE_VERSION" ]]; then
    if ! command -v npm >/dev/null; then
        (apt-get update -qq && apt-get install -y -qq npm) >/dev/null
    fi
    mkdir -p "$deps"
    npm install --silent --prefix "$deps" "axe-core@$AXE_VERSION" --no-audit --no-fund >/dev/null
fi
