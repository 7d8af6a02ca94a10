#!/usr/bin/env bash
# A throw-away Synapse homeserver on loopback, for tests and the demo.
#   scripts/synapse.sh start DIR [PORT]   configure (first time), start, wait until it answers;
#                                         writes DIR/env with MENTORBOT_TEST_HOMESERVER,
#                                         MENTORBOT_TEST_SHARED_SECRET and SYNAPSE_PID
#   scripts/synapse.sh stop DIR           stop it (SIGTERM, then SIGKILL after 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start() {
  local dir="$1" port="${2:-}"
  [ -x "$PY" ] || { echo "synapse.sh: no .venv with Synapse; run scripts/setup.sh first" >&2; exit 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -n "$port" ] || port=$(free_port)
  local secret
  secret=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
  if [ ! -f "$dir/signing.key" ]; then
    "$PY" -m synapse.app.homeserver --server-name localhost --config-path "$dir/generated.yaml" \
      --generate-config --report-stats=no --data-directory "$dir" >/dev/null
    mv "$dir/localhost.signing.key" "$dir/signing.key" 2>/dev/null || true
  fi
  cat > "$dir/homeserver.yaml" <<YAML
server_name: localhost
pid_file: $dir/homeserver.pid
signing_key_path: $dir/signing.key
media_store_path: $dir/media
log_config: $dir/log.config
report_stats: false
suppress_key_server_warning: true
trusted_key_servers: []
federation_domain_whitelist: []
registration_shared_secret: "$secret"
enable_registration: false
database:
  name: sqlite3
  args:
    database: $dir/homeserver.db
listeners:
  - port: $port
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
# Message limits (rc_message) keep Synapse's defaults: a test relies on the bot meeting a 429.
# Loosened, because a test suite creates many users, logins and rooms from one address quickly:
rc_login:                   # default 0.17/s, burst 3 per address: tests log in dozens of users
  address: {per_second: 100, burst_count: 1000}
  account: {per_second: 100, burst_count: 1000}
  failed_attempts: {per_second: 100, burst_count: 1000}
rc_registration:            # default 0.17/s, burst 3: tests register dozens of users
  per_second: 100
  burst_count: 1000
rc_joins:                   # default 0.1/s local: each test user joins a room with the bot
  local: {per_second: 100, burst_count: 1000}
  remote: {per_second: 100, burst_count: 1000}
rc_invites:                 # default 0.3/s per room/user: the bot invites every roster member
  per_room: {per_second: 100, burst_count: 1000}
  per_user: {per_second: 100, burst_count: 1000}
  per_issuer: {per_second: 100, burst_count: 1000}
rc_room_creation:           # the bot creates one direct room per roster member
  per_second: 100
  burst_count: 1000
YAML
  cat > "$dir/log.config" <<YAML
version: 1
formatters:
  plain: {format: '%(asctime)s %(levelname)s %(name)s %(message)s'}
handlers:
  file: {class: logging.FileHandler, filename: $dir/homeserver.log, formatter: plain}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
YAML
  "$PY" -m synapse.app.homeserver --config-path "$dir/homeserver.yaml" >"$dir/stdout.log" 2>&1 &
  local pid=$!
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    if curl -fsS "$url/_matrix/client/versions" >/dev/null 2>&1; then
      printf 'MENTORBOT_TEST_HOMESERVER=%s\nMENTORBOT_TEST_SHARED_SECRET=%s\nSYNAPSE_PID=%s\n' "$url" "$secret" "$pid" > "$dir/env"
      echo "synapse.sh: Synapse is up at $url (pid $pid)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "synapse.sh: Synapse did not start; last lines of its logs:" >&2
  tail -n 30 "$dir/stdout.log" "$dir/homeserver.log" >&2 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  exit 1
}

stop() {
  local dir="$1"
  [ -f "$dir/env" ] || return 0
  local pid
  pid=$(sed -n 's/^SYNAPSE_PID=//p' "$dir/env")
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || { rm -f "$dir/env"; return 0; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/env"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: scripts/synapse.sh start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
