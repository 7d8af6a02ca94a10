#!/usr/bin/env bash
# The long fault run (issue 13), about ten minutes: ten people chat with the bot while it is
# SIGKILLed 50 times, while the homeserver stops answering for 10 s, under Synapse's default
# message rate limits, and while its data directory (a small tmpfs, so this needs root) is full.
# Prints a table of what each phase sent, answered, lost and duplicated (lost and duplicated must
# be 0), and keeps it in bench/results/faults.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "faults.sh: the full-disk phase mounts a small tmpfs, which needs root" >&2
  exit 2
fi
mkdir -p bench/results
export MENTORBOT_FAULT_RUN=1
export MENTORBOT_FAULT_REPORT="$PWD/bench/results/faults.md"
rm -f "$MENTORBOT_FAULT_REPORT"
scripts/test.sh --filter "IntegrationTests.IntegrationSuite.FaultRunTests"
test -s "$MENTORBOT_FAULT_REPORT" || { echo "faults.sh: the run wrote no report" >&2; exit 1; }
cat "$MENTORBOT_FAULT_REPORT"
