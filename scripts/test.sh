#!/usr/bin/env bash
# Installs what is needed and runs every test: unit tests, store crash tests, and integration
# tests against a real Synapse started here on a free loopback port and stopped afterwards.
# Extra arguments go to `swift test` (e.g. --filter IntegrationTests).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

echo "== Setup"
scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"

echo "== Build"
swift build --build-tests

echo "== Homeserver"
HS_DIR=$(mktemp -d /tmp/mentorbot-synapse.XXXXXX)
cleanup() { scripts/synapse.sh stop "$HS_DIR" >/dev/null 2>&1 || true; rm -rf "$HS_DIR"; }
trap cleanup EXIT
scripts/synapse.sh start "$HS_DIR"
set -a
# shellcheck disable=SC1091
source "$HS_DIR/env"
set +a
export MENTORBOT_REPO_ROOT="$ROOT"

echo "== Semantic screening examples"
# Embeds the examples once (about a minute on two cores) into the cache that every test bot and
# the screening tests share, so that no test waits for it.
echo "warming the cache" | .build/debug/mentorbot screen >/dev/null

echo "== Tests"
swift test --skip-build "$@"
