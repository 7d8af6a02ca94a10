#!/usr/bin/env bash
# Which common words of each language a phrase list alerts on by themselves.
#
# Every message meets every language's list, and a phrase can match inside a longer word or, by a
# forgiven slip, a word one letter away. So a danger word of one list can be an everyday word of
# another language ("molest*" in Italian, and the Spanish "no quiero molestar", I don't want to
# bother you) or of its own (the Greek "*σεξ*" inside "πρόσεξε", take care). This screens the N
# commonest words of each language (the wordfreq package's lists, installed from PyPI into the
# git-ignored .venv-wordlists) one by one with the phrase lists alone and prints every word that
# alerts, or is asked about as a short call for help, with the phrase and where it is written.
# Most are danger words themselves ("violencia"); read the list for everyday words and mend them
# (Dialogs/README.md). Albanian has no wordfreq list, so Albanian words are not tried (the
# Albanian list's phrases are, on every other language's words).
#
#   scripts/phrase-collisions.sh [N]          N commonest words per language (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-10000}"
WORDFREQ_VERSION="3.1.1"
VENV=.venv-wordlists
BINARY=.build/release/mentorbot

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import wordfreq" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet "wordfreq==$WORDFREQ_VERSION"
fi
if [ ! -x "$BINARY" ]; then
  swift build -c release --product mentorbot >/dev/null
fi

words=$(mktemp -d /tmp/mentorbot-wordlists.XXXXXX)
trap 'rm -rf "$words"' EXIT
"$VENV/bin/python" - "$COUNT" "$words" <<'PYTHON'
import sys, wordfreq
count, folder = int(sys.argv[1]), sys.argv[2]
for language in ["ar", "de", "el", "en", "es", "fa", "fr", "it", "nl", "pt", "sv"]:
    with open(f"{folder}/{language}.txt", "w", encoding="utf-8") as out:
        for word in wordfreq.top_n_list(language, count):
            if any(c.isalpha() for c in word):
                out.write(word + "\n")
PYTHON

for file in "$words"/*.txt; do
  language=$(basename "$file" .txt)
  # One word per line; the output says ALERT (a phrase) or ASK (a short call for help, which a
  # one-word message can be), the category, the phrase and "[list line N]".
  "$BINARY" screen --lang "$language" --phrases-only < "$file" \
    | grep -aE '^(ALERT|ASK) ' \
    | sed -E "s/^(ALERT|ASK) +([a-z_]+) \([a-z]+\) +(phrases|call): «(.*)» \[([a-z]+) line ([0-9]+)\].*  (\S+)\$/$language \7 <- \5.yaml:\6 \4 (\1 \2)/"
done
