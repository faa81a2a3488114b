#!/bin/sh
# The nightly scheduler of the compose deployment (docs/deploy.md#the-nightly-run): sleeps until
# NIGHTLY_AT (HH:MM, UTC; default 02:30), runs the re-match, then signs the audit-chain head, and
# again the next night. A failed or killed run is logged and continued by the next start (the
# re-match resumes an unfinished run). `placement-nightly now` runs once, immediately.
set -u
at=${NIGHTLY_AT:-02:30}
run() {
    echo "nightly: re-match starting at $(date -u +%FT%TZ)"
    if placement-api rematch ${NIGHTLY_ARGS:-}; then
        echo "nightly: re-match finished at $(date -u +%FT%TZ)"
    else
        echo "nightly: re-match failed (exit $?); the next start continues it" >&2
    fi
    placement-api audit checkpoint || echo "nightly: audit checkpoint failed" >&2
}
if [ "${1:-}" = now ]; then
    run
    exit 0
fi
date -u -d "today $at" +%s >/dev/null 2>&1 || { echo "nightly: NIGHTLY_AT must be HH:MM, got '$at'" >&2; exit 2; }
while :; do
    now=$(date -u +%s)
    next=$(date -u -d "today $at" +%s)
    [ "$next" -gt "$now" ] || next=$(date -u -d "tomorrow $at" +%s)
    echo "nightly: next re-match at $(date -u -d "@$next" +%FT%TZ)"
    sleep $((next - now))
    run
done
