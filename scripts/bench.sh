#!/usr/bin/env bash
# Reply-latency benchmark through a throw-away local Synapse: an echo-bot baseline and mentorbot,
# with 1 and 20 simulated users. Prints a Markdown table. ROUNDS (default 20) messages per user.
# First, without a homeserver, the scheduler at PAIRS (default 10,000) pairs, RUNS (default 5) runs.
# Last, the safety-alert latency. ALERTS_ONLY=1 runs only that. SCREENING_ONLY=1 runs only the
# screening benchmark (cost per message of each layer, long texts, memory with the model loaded).
# OUTBOX_ONLY=1 runs only the outbox under load (a flood's backlog, 40 people chatting); set
# MENTORBOT_BINARY to compare another build of the daemon.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --product mentorbot
swift build -c release --product mentorbot-bench
swift build -c release --product mentorbot-scheduler-bench
swift build -c release --product mentorbot-screening-bench
if [ "${OUTBOX_ONLY:-0}" != 1 ]; then
  echo "== Screening: phrase lists and the semantic layer, per message"
  .build/release/mentorbot-screening-bench "$(pwd)" "${SCREENING_RUNS:-3}"
fi
if [ "${SCREENING_ONLY:-0}" = 1 ]; then exit 0; fi
if [ "${ALERTS_ONLY:-0}" != 1 ] && [ "${OUTBOX_ONLY:-0}" != 1 ]; then
  echo "== Scheduler: ${PAIRS:-10000} pairs, 10 jobs each"
  .build/release/mentorbot-scheduler-bench "$(pwd)" "${PAIRS:-10000}" "${RUNS:-5}"
fi
echo "== Reply latency"
HS_DIR=$(mktemp -d /tmp/mentorbot-bench.XXXXXX)
trap 'scripts/synapse.sh stop "$HS_DIR" >/dev/null 2>&1 || true; rm -rf "$HS_DIR"' EXIT
scripts/synapse.sh start "$HS_DIR"
# shellcheck disable=SC1091
source "$HS_DIR/env"
.build/release/mentorbot-bench "$MENTORBOT_TEST_HOMESERVER" "$MENTORBOT_TEST_SHARED_SECRET" "$(pwd)" "${ROUNDS:-20}"
