#!/usr/bin/env bash
# LibreOffice (Writer, headless) and poppler-utils for the reports' PDFs and their tests.
# Installs them from Debian's packages when missing and this runs as root with apt-get;
# otherwise says that PDFs will be skipped (the bot then sends the Word document alone).
set -euo pipefail
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing LibreOffice Writer (headless) and poppler-utils for report PDFs..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libreoffice-writer-nogui fonts-dejavu-core poppler-utils >/dev/null
else
    echo "LibreOffice is not installed (and cannot be installed here): report PDFs will be" \
        "skipped; the bot sends the Word document alone." >&2
fi
