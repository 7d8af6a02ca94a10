#!/usr/bin/env bash
# Measures how screening holds up on longer messages, built only from the calibration messages
# (Dialogs/safety/calibration; never from the held-out parts):
#   scripts/screen-long-messages.sh
# Each danger message is put between two ordinary messages of its language ("danger told in the
# middle of a longer message"), and ordinary messages are joined three at a time ("three ordinary
# topics in one message"), joined with a space as people chat. The pairing is fixed (no random
# pick), so the figures repeat. Prints both layers' figures for the messages alone, then joined.
# Needs `swift build` and the model (`scripts/setup.sh`); about two to three minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
BINARY=.build/debug/mentorbot
CALIBRATION=Dialogs/safety/calibration
[ -x "$BINARY" ] || { echo "screen-long-messages: $BINARY is missing: run swift build first" >&2; exit 2; }

JOINED=$(mktemp -d)
trap 'rm -rf "$JOINED"' EXIT
for file in "$CALIBRATION"/*.txt; do
  # "category | message" lines; danger i sits between ordinary 2i and 2i+1 (modulo their count),
  # and ordinary messages 3j, 3j+1 and 3j+2 make the j-th joined ordinary message.
  awk -F'|' '
    BEGIN { n = 0; d = 0 }
    /^#/ || !/\|/ { next }
    {
      label = $1; gsub(/ /, "", label)
      text = substr($0, index($0, "|") + 1); sub(/^ +/, "", text); sub(/ +$/, "", text)
      if (label == "ok") ordinary[n++] = text; else { dangerLabel[d] = label; danger[d++] = text }
    }
    END {
      if (n == 0) { print FILENAME ": no ordinary messages to join" > "/dev/stderr"; exit 2 }
      print "# Calibration messages joined by scripts/screen-long-messages.sh; \"category | message\".\n"
      for (i = 0; i < d; i++)
        printf "%s | %s %s %s\n", dangerLabel[i], ordinary[(2 * i) % n], danger[i], ordinary[(2 * i + 1) % n]
      for (j = 0; j + 2 < n; j += 3)
        printf "ok | %s %s %s\n", ordinary[j], ordinary[j + 1], ordinary[j + 2]
    }' "$file" > "$JOINED/$(basename "$file")"
done

# `screen --labelled` exits 1 when any danger message is missed, which is what this measures;
# only a failure to run (exit 2) stops the script.
screen() {
  local status=0
  "$BINARY" screen --labelled "$1" > "$JOINED/out" || status=$?
  [ "$status" -le 1 ] || { cat "$JOINED/out"; exit "$status"; }
  grep -v '^  ' "$JOINED/out"
}
echo "== The calibration messages alone"
screen "$CALIBRATION"
echo
echo "== Joined: each danger message between two ordinary ones; ordinary messages three at a time"
screen "$JOINED"
