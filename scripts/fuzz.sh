#!/usr/bin/env bash
# Fuzzes every parser that takes outside input with libFuzzer, each for a fixed time:
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 300; FUZZ_TARGETS="sync screen" for some only)
# Targets: sync (a /sync answer), configuration (the configuration file), dialog (dialog scripts
# and catalogs), answers (days, times, numbers, choices in all 12 languages), screen (phrase
# lists and the safety word). Seeds come from the shipped files and test data; the corpus grows
# in .build-fuzz/corpus/TARGET (git-ignored). A crash leaves crash-* in .build-fuzz/findings/TARGET
# and fails the script; each crash found becomes a test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
SECONDS_PER_TARGET="${1:-300}"
BUILD=.build-fuzz

echo "== Build (libFuzzer)"
swift build --build-path "$BUILD" --product mentorbot-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -parse-as-library
BINARY="$BUILD/debug/mentorbot-fuzz"

seed() {
  local target=$1 corpus=$BUILD/corpus/$1
  mkdir -p "$corpus"
  case $target in
    sync) printf '%s' '{"next_batch":"s2","rooms":{"join":{"!r:x":{"summary":{"m.joined_member_count":2},"timeline":{"limited":true,"prev_batch":"p1","events":[{"type":"m.room.message","event_id":"$e1","sender":"@a:x","origin_server_ts":1800000000000,"content":{"msgtype":"m.text","body":"> <@b:x> hi\n\nsos","m.relates_to":{"rel_type":"m.replace","event_id":"$e0"},"m.new_content":{"msgtype":"m.text","body":"sos"}}},{"type":"m.reaction","event_id":"$e2","sender":"@a:x","origin_server_ts":1800000000001,"content":{"m.relates_to":{"rel_type":"m.annotation","event_id":"$e1","key":"1️⃣"}}}]},"state":{"events":[{"type":"m.room.encryption","state_key":"","event_id":"$s1","sender":"@a:x","origin_server_ts":1,"content":{"algorithm":"m.megolm.v1.aes-sha2"}},{"type":"m.room.member","state_key":"@a:x","event_id":"$s2","sender":"@a:x","origin_server_ts":1,"content":{"membership":"leave"}}]}}},"invite":{"!i:x":{"invite_state":{"events":[{"type":"m.room.member","state_key":"@bot:x","sender":"@a:x","content":{"membership":"invite","is_direct":true}}]}}},"leave":{"!l:x":{}}}}' > "$corpus/full.json"
          printf '%s' '{"next_batch":"s1"}' > "$corpus/minimal.json" ;;
    configuration) cp Config/*.yaml "$corpus/" ;;
    dialog) cp Dialogs/*.yaml Dialogs/locales/*.yaml "$corpus/" ;;
    answers) for reply in "demain 14h" "next tuesday at 3pm" "12/03" "٣ مساءً" "фردا ساعت ۵" "2" "yes" "oui"; do
               printf '%s' "x$reply" > "$corpus/$(echo "$reply" | md5sum | cut -c1-8)"; done ;;
    screen) head -c 20000 Dialogs/safety/examples/en.chat.txt > "$corpus/en"; head -c 20000 Dialogs/safety/examples/ar.chat.txt > "$corpus/ar"
            printf 's\xe2\x80\x8bos help' > "$corpus/zwsp" ;;
  esac
}

failed=0
TARGETS="${FUZZ_TARGETS:-sync configuration dialog answers screen}"
for target in $TARGETS; do
  seed "$target"
  findings=$BUILD/findings/$target
  mkdir -p "$findings"
  echo "== Fuzzing $target for $SECONDS_PER_TARGET s"
  if MENTORBOT_FUZZ_TARGET=$target "$BINARY" "$BUILD/corpus/$target" -max_total_time="$SECONDS_PER_TARGET" \
       -timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 2> "$findings/log.txt"; then
    echo "$target: no crash ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$findings/log.txt" | grep -o '[0-9]*$') inputs)"
  else
    echo "$target: FOUND A CRASH (see $findings/log.txt and the crash-* file there)"
    tail -30 "$findings/log.txt"
    failed=1
  fi
done
exit $failed
