#!/usr/bin/env bash
# The store's tests a second time against a real PostgreSQL (Debian's package): a throw-away cluster on loopback,
# in a temp folder, removed at exit. Usage: .ci/postgres-pass.sh [vitest args]  (default: the store test files)
# With KEEP_RUNNING=1 it only starts the cluster and prints its DATABASE_URL (local work; stop it with pg_ctl).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then apt=(env DEBIAN_FRONTEND=noninteractive apt-get); as_pg=(runuser -u postgres --)
elif command -v sudo >/dev/null; then apt=(sudo -n env DEBIAN_FRONTEND=noninteractive apt-get); as_pg=()
else apt=(); as_pg=(); fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  [ ${#apt[@]} -gt 0 ] || { echo "postgresql is missing and neither root nor sudo can install it" >&2; exit 1; }
  "${apt[@]}" install -y postgresql || { "${apt[@]}" update && "${apt[@]}" install -y postgresql; }
fi
BIN="$(pg_bin)"
"$BIN/postgres" --version

# initdb refuses to run as root: as root the cluster belongs to the postgres user, otherwise to whoever runs this.
DIR="$(mktemp -d /tmp/nec-cds-pg.XXXXXX)"
[ ${#as_pg[@]} -gt 0 ] && chown postgres "$DIR"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
DB_USER="$([ ${#as_pg[@]} -gt 0 ] && echo postgres || id -un)"
stop() { "${as_pg[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }

"${as_pg[@]}" "$BIN/initdb" -D "$DIR/data" -U "$DB_USER" --auth=trust --encoding=UTF8 --no-instructions >/dev/null
"${as_pg[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off" start >/dev/null
export DATABASE_URL="postgres://$DB_USER@127.0.0.1:$PORT/postgres"

if [ "${KEEP_RUNNING:-0}" = 1 ]; then
  echo "DATABASE_URL=$DATABASE_URL  (stop: ${as_pg[*]} $BIN/pg_ctl -D $DIR/data stop)"
  exit 0
fi
trap stop EXIT

echo "PostgreSQL pass: $DATABASE_URL"
if [ $# -eq 0 ]; then
  set -- test/store test/integration/feedback test/integration/analytics test/integration/snooze test/integration/scale-out
fi
npx vitest run "$@" --outputFile.json=reports/vitest-postgres.json
node -e '
const r = JSON.parse(require("fs").readFileSync("reports/vitest-postgres.json", "utf8"));
console.log(`tests (PostgreSQL pass): ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
if (r.numTotalTests === 0 || r.numPendingTests > 0) process.exit(1);
'
