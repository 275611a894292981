#!/bin/bash
# A second independent check's data sets (see README.md): generate, import into a fresh
# data folder, add a central user, serve, measure, stop.
# usage: run.sh OUTDIR SEED PERSONS full|plain PORT   (BIN, DIST: the server and the PWA)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
D=$1; SEED=$2; N=$3; MODE=$4; PORT=$5
BIN=${BIN:-target/release/strada-server}
DIST=${DIST:-dist}
rm -rf "$D"; mkdir -p "$D"
python3 "$HERE/gen.py" --seed "$SEED" --persons "$N" --mode "$MODE" --out "$D"
export STRADA_DATA_DIR=$D/data
$BIN import --dry-run "$D/data.jsonl" > "$D/dryrun.txt" 2>&1 || { echo "dry run failed"; grep -v INFO "$D/dryrun.txt" | head -30; exit 1; }
$BIN import "$D/data.jsonl" > "$D/import.txt" 2>&1
printf 'pw-long-enough-123\n' | $BIN user add checker --role central_office --team MI-NORD --password-stdin 2>&1 | grep -v INFO
STRADA_LISTEN=127.0.0.1:$PORT STRADA_DIST_DIR=$DIST $BIN serve > "$D/serve.log" 2>&1 &
SPID=$!
for i in $(seq 1 50); do curl -s -o /dev/null "127.0.0.1:$PORT/api/openapi.json" && break; sleep 0.3; done
python3 "$HERE/measure.py" "$D" "$PORT" > "$D/measure.out" 2>&1 || { tail -20 "$D/measure.out"; kill $SPID; exit 1; }
kill $SPID
head -4 "$D/measure.out"
