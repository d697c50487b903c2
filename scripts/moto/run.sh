#!/usr/bin/env bash
# Builds a topology in a local moto server, collects it with
# scripts/collect-aws.py, imports it and checks awsreach's verdicts
# (scripts/moto/expect.txt) and import report. Needs python3 with venv
# and network access to PyPI; skips with a message otherwise, unless
# AWSREACH_MOTO_REQUIRED=1 (as in CI), where a skip is a failure. moto is
# pinned: its answers (Elastic IPs in 127.0.0.0/8, transit gateway routes
# without attachments) are what the importer's report is checked against.
#
#   scripts/moto/run.sh [path/to/awsreach]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-./target/release/awsreach}
WORK=$(mktemp -d)
trap 'kill "${MOTO_PID:-}" 2>/dev/null || true; rm -rf "$WORK"' EXIT

skip() {
  echo "moto: skipped ($1)"
  if [ "${AWSREACH_MOTO_REQUIRED:-0}" = 1 ]; then
    echo "moto: AWSREACH_MOTO_REQUIRED=1, so a skip fails" >&2
    exit 1
  fi
  exit 0
}
# A fresh Debian machine may lack python3's venv module (or curl): install
# them when we can (root with apt-get).
if { ! command -v python3 >/dev/null || ! python3 -m venv "$WORK/venv" >/dev/null 2>&1 || ! command -v curl >/dev/null; } &&
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv curl; } >/dev/null 2>&1 || true
  rm -rf "$WORK/venv"
fi
command -v python3 >/dev/null || skip "no python3"
command -v curl >/dev/null || skip "no curl"
[ -x "$WORK/venv/bin/pip" ] || python3 -m venv "$WORK/venv" >/dev/null 2>&1 || skip "python3 cannot create a virtualenv"
if ! "$WORK/venv/bin/pip" install -q 'moto[server]==5.2.1' boto3 >"$WORK/pip.log" 2>&1; then
  tail -5 "$WORK/pip.log"
  skip "pip could not install moto[server] and boto3"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WORK/venv/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
for _ in $(seq 50); do
  curl -sf "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done

"$WORK/venv/bin/python" scripts/moto/build_topology.py
"$WORK/venv/bin/python" scripts/collect-aws.py --out "$WORK/snapshot" --region us-east-1

"$BIN" import aws "$WORK/snapshot" -o "$WORK/moto.ron" --format json >"$WORK/report.json"
"$BIN" validate "$WORK/moto.ron"
# moto's quirks are reported, and the transit gateway's routes (moto names
# no attachment in them) are missing, never guessed.
python3 - "$WORK/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["scenarios"][0]
msgs = [e["message"] for e in r["entries"]]
need = ["outside its subnet", "moto quirk", "placeholder", "name no attachment", "Amazon MQ brokers"]
for n in need:
    assert any(n in m for m in msgs), f"report lacks an entry about: {n}"
print(f"moto: report ok ({r['counts']})")
PY

fail=0
while IFS='|' read -r want args; do
  want=$(echo "$want" | tr -d ' ')
  case "$want" in ''|\#*) continue ;; esac
  # shellcheck disable=SC2086
  set +e; "$BIN" trace "$WORK/snapshot" $args --no-followup >"$WORK/trace.txt" 2>"$WORK/trace.err"; got=$?; set -e
  if [ "$got" != "$want" ]; then
    echo "moto: FAIL trace$args: exit $got, expected $want"; cat "$WORK/trace.txt" "$WORK/trace.err"; fail=1
  else
    echo "moto: ok   trace$args -> $(grep -E '^(reachable|blocked|unknown)' "$WORK/trace.txt" | head -1)"
  fi
done < scripts/moto/expect.txt
exit $fail
