#!/usr/bin/env bash
# wrk, the HTTP load generator of `make bench`'s WhatsApp inbound run (bench/inbound_whatsapp.py).
# Installs it from Debian's packages when missing and this runs as root with apt-get;
# otherwise says that the bench falls back to several Python generator processes.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing wrk for the WhatsApp inbound benchmark..." >&2
    if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends wrk >/dev/null; then
        exit 0
    fi
fi
echo "wrk is not installed (and cannot be installed here): the WhatsApp inbound benchmark" \
    "uses several bench.loadgen processes instead." >&2
