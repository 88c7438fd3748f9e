#!/bin/sh
# CAN Bot's container entrypoint: bring the schema up to date, then become the bot.
#
#   entrypoint.sh                 migrate, then exec `python -m bot run`
#   entrypoint.sh CMD [ARG...]    migrate, then exec CMD instead (say, `python -m bot backup`)
#   entrypoint.sh --check [CMD]   migrate, then print the command it would exec and exit 0
#
# CANBOT_PYTHON names the interpreter (default: python); CANBOT_SKIP_MIGRATE=1 skips the
# migration step. Migrating is safe with several instances at once (an advisory lock).
set -eu

python="${CANBOT_PYTHON:-python}"
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
if [ "$#" -eq 0 ]; then
  set -- "$python" -m bot run
fi

if [ "${CANBOT_SKIP_MIGRATE:-0}" != 1 ]; then
  "$python" -m bot migrate
fi

if [ "$check" = 1 ]; then
  echo "would exec: $*"
  exit 0
fi
exec "$@"
