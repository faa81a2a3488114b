#!/bin/sh
# Back up the service's database into one file (docs/deploy.md#backup-and-restore):
#   PostgreSQL: pg_dump's custom format, one consistent snapshot (restore with pg_restore);
#   SQLite: the online backup API, consistent while the service keeps writing.
# Usage: deploy/backup.sh OUT_FILE   (reads DATABASE_URL or PLACEMENT_DATABASE_URL, as the service;
# default sqlite:///var/placement.db). The audit key (var/audit_key) is not in the database:
# back it up apart from the dumps, or checkpoints cannot be checked against forgery.
set -eu
out=${1:?usage: deploy/backup.sh OUT_FILE}
url=${DATABASE_URL:-${PLACEMENT_DATABASE_URL:-sqlite:///${PLACEMENT_VAR_DIR:-var}/placement.db}}
case "$url" in
  postgresql*|postgres:*)
    # libpq does not know SQLAlchemy's driver suffix (postgresql+psycopg://).
    libpq_url=$(printf '%s' "$url" | sed -E 's|^postgres(ql)?(\+[a-z0-9]+)?://|postgresql://|')
    pg_dump --format=custom --no-owner --no-privileges --file="$out" "$libpq_url"
    ;;
  sqlite:///*)
    db=${url#sqlite:///}
    [ -f "$db" ] || { echo "deploy/backup.sh: no SQLite database at $db" >&2; exit 2; }
    "${PYTHON:-python3}" - "$db" "$out" <<'PY'
import sqlite3
import sys

source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
target = sqlite3.connect(sys.argv[2])
source.backup(target)  # page by page; a write meanwhile restarts it, so the copy is consistent
target.close()
source.close()
PY
    ;;
  *)
    echo "deploy/backup.sh: DATABASE_URL is neither PostgreSQL nor an SQLite file" >&2
    exit 2
    ;;
esac
echo "backed up to $out"
