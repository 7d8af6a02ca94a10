#!/usr/bin/env bash
# Starts a local homeserver with demo users (a coordinator, a mentor, a mentee) and runs the bot.
# Everything lives in ./demo (git-ignored). Ctrl-C stops the bot and the homeserver.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEMO="$ROOT/demo"
PORT="${MENTORBOT_DEMO_PORT:-8448}"

echo "== Installing what is needed"
scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"

echo "== Building MentorBot"
swift build --product mentorbot

echo "== Starting a local homeserver on 127.0.0.1:$PORT"
scripts/synapse.sh stop "$DEMO/synapse" >/dev/null 2>&1 || true
mkdir -p "$DEMO"
scripts/synapse.sh start "$DEMO/synapse" "$PORT"
# shellcheck disable=SC1091
source "$DEMO/synapse/env"
HS="$MENTORBOT_TEST_HOMESERVER"
cleanup() { scripts/synapse.sh stop "$DEMO/synapse" >/dev/null 2>&1 || true; }
trap cleanup EXIT

register() { scripts/register-user "$HS" "$MENTORBOT_TEST_SHARED_SECRET" "$@"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
ADMIN_TOKEN=$(register demo-admin demo-admin-password --admin | json access_token)
BOT_TOKEN=$(register mentorbot mentorbot-demo-password | json access_token)
register coordinator coordinator-demo >/dev/null
register mentor mentor-demo >/dev/null
register mentee mentee-demo >/dev/null
# A bot talks to many people; the homeserver's per-user message limit is meant for humans.
scripts/ratelimit-override "$HS" "$ADMIN_TOKEN" "@mentorbot:localhost" >/dev/null

umask 077
(umask 077 && printf '%s' "$BOT_TOKEN" > "$DEMO/bot-token")
cat > "$DEMO/mentorbot.yaml" <<YAML
# Demo configuration written by scripts/demo.sh; see Config/mentorbot.example.yaml for every key.
homeserver: $HS
bot:
  user_id: "@mentorbot:localhost"
  access_token_file: $DEMO/bot-token
data_directory: $DEMO/data
dialogs_directory: $ROOT/Dialogs
coordinators_room: "#coordinators:localhost"
programme:
  default_language: en
  time_zone: Europe/Brussels
roster:
  coordinators:
    - {id: C1, matrix_id: "@coordinator:localhost", language: en}
  mentors:
    - {id: M1, matrix_id: "@mentor:localhost", language: fr}
  mentees:
    - {id: E1, matrix_id: "@mentee:localhost", language: en}
  pairs:
    - {id: P-001, mentor: M1, mentee: E1, start: "2026-11-01"}
YAML

cat <<TEXT

== MentorBot is starting. Chat with it from another terminal, as the mentor (French):

   MENTORBOT_CHAT_PASSWORD=mentor-demo .build/debug/mentorbot chat --homeserver $HS --user @mentor:localhost

   Answer the welcome questions (1 for yes), then write "menu" to see what the bot can do.
   Other demo users: @mentee:localhost (mentee-demo), @coordinator:localhost (coordinator-demo).

   With Element (desktop or web on this machine): sign in, edit the homeserver to $HS,
   and use one of the demo users above. The coordinator sees summaries in #coordinators:localhost.

   The bot's data is in $DEMO/data. Press Ctrl-C to stop the bot and the homeserver.

TEXT
.build/debug/mentorbot run --config "$DEMO/mentorbot.yaml"
