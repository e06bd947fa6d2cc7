#!/usr/bin/env bash
# Usage: bash deploy/release/smoke.sh <base-url>
# The release's smoke probe: readiness and public reads must answer 2xx within a minute of the rollout.
set -euo pipefail
base=${1:?base URL}
lessons='/api/trpc/lessons.getAll?input=%7B%22json%22%3A%7B%7D%7D'
for _ in $(seq 1 30); do
  curl -fsS --max-time 5 "$base/api/health/ready" >/dev/null 2>&1 && break
  sleep 2
done
for path in /api/health/ready /api/health "$lessons"; do
  status=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$base$path")
  echo "== smoke $path: $status"
  [[ $status == 2* ]] || { echo "== smoke probe failed on $path" >&2; exit 1; }
done
