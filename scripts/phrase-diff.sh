#!/usr/bin/env bash
# What a change to the phrase lists does, line by line, on every labelled message.
#
# An `unless` cancels its category in the whole message and a narrower phrase hears less, so a
# mend can silence danger anywhere, in any language (every message meets every list). This
# screens every labelled line (examples, calibration messages, look-alikes and the review, test
# parts) with the phrase lists alone, once with the lists of BASE (a git revision, default HEAD)
# and once with the working tree's, and prints each line whose verdict changed:
#
#   file: [label] OLD -> NEW :: message
#
# An ordinary line ("[ok]") going from ALERT to ok or ASK is a false alarm mended; any other
# change is for a person to read (a danger line that no longer alerts is a mend too broad). It
# ends with the counts, and exits 1 if the working tree's lists fail to load, 2 if a danger line
# lost its alert or changed category. The test parts are compared only to see that no danger is
# lost there, never to choose a mend (Dialogs/README.md).
#
#   scripts/phrase-diff.sh [BASE] [LANG ...]      languages default to all twelve
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-HEAD}"
shift || true
LANGS="${*:-ar de el en es fa fr it nl pt sq sv}"
BINARY=.build/release/mentorbot
if [ ! -x "$BINARY" ]; then
  swift build -c release --product mentorbot >/dev/null
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/base"
git archive "$BASE" Dialogs | tar -x -C "$WORK/base"

changed=0
lost=0
for lang in $LANGS; do
  : > "$WORK/lines"
  for file in $(find Dialogs/safety/examples Dialogs/safety/calibration Dialogs/safety/lookalikes \
                     Tests/SafeguardingTests/TestParts \( -name "$lang.*txt" -o -name "$lang.txt" \) | sort); do
    grep -v '^#' "$file" | grep -v '^[[:space:]]*$' | awk -v f="$file" '{ print f "\t" $0 }' >> "$WORK/lines" || true
  done
  cut -f1 "$WORK/lines" > "$WORK/file"
  cut -f2- "$WORK/lines" | cut -d'|' -f1 | sed 's/ *$//' > "$WORK/label"
  cut -f2- "$WORK/lines" | cut -d'|' -f2- | sed 's/^ *//; s/ *$//' > "$WORK/message"
  verdicts() {
    "$BINARY" screen --lang "$lang" --phrases-only --dialogs "$1" < "$WORK/message" 2>"$WORK/error" \
      | grep -aoE '^((ALERT|ASK) +[a-z_]+|ok)' | sed 's/  */ /g' || true
  }
  verdicts "$WORK/base/Dialogs" > "$WORK/old"
  verdicts Dialogs > "$WORK/new"
  if [ "$(wc -l < "$WORK/new")" != "$(wc -l < "$WORK/message")" ]; then
    echo "error: the working tree's lists screened $(wc -l < "$WORK/new") of $(wc -l < "$WORK/message") $lang lines:" >&2
    head -5 "$WORK/error" >&2
    exit 1
  fi
  paste -d'\t' "$WORK/file" "$WORK/label" "$WORK/old" "$WORK/new" "$WORK/message" > "$WORK/both"
  awk -F'\t' '$3 != $4 { print $1 ": [" $2 "] " $3 " -> " $4 " :: " substr($5, 1, 160) }' "$WORK/both"
  changed=$((changed + $(awk -F'\t' '$3 != $4' "$WORK/both" | wc -l)))
  # A danger line that alerted and now does not, or alerts in another category.
  lost=$((lost + $(awk -F'\t' '$3 != $4 && $2 != "ok" && $3 ~ /^ALERT/' "$WORK/both" | wc -l)))
done
echo "$changed lines changed; $lost danger lines lost their alert or changed category"
if [ "$lost" -gt 0 ]; then exit 2; fi
