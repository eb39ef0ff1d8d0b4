#!/bin/sh
# Builds rolebot as the Dockerfile does: same go build line, same flags.
#
#   scripts/build.sh [OUTPUT]    (default: bin/rolebot in the repository)
#
# The version is `git describe --always --dirty` (dev outside a git work
# tree), the commit `git rev-parse --short HEAD` (unknown outside one).
# deploy/deploy_test.go checks that the go build line matches the Dockerfile's.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bin/rolebot}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$root"
VERSION=$(git describe --always --dirty 2>/dev/null || echo dev)
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o "$out" ./cmd/rolebot
echo "built $out ($VERSION, $COMMIT)"
