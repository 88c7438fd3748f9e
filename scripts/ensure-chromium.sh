#!/usr/bin/env bash
# Make sure a headless-capable Chromium is installed for the browser tests (the certificate
# verification page). Installs Debian's `chromium` package when it is missing and we are root
# with apt-get (as in CI); otherwise leaves things as they are. Quiet unless it installs.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found: installing it from the system's packages" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "Chromium not found and cannot be installed here; browser tests will skip outside CI" >&2
fi
