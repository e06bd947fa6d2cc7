#!/usr/bin/env bash
# Usage: IMAGE=ghcr.io/org/linguamate-api@sha256:... NAMESPACE=linguamate PROMETHEUS_URL=http://... \
#          bash deploy/release/blue-green.sh
# Blue-green switch with automatic rollback (release.yml, after deploy/release/migrate.sh):
#  1. the live colour is the one the Service `linguamate-api` selects (label `color`); the other is idle;
#  2. the idle Deployment `linguamate-api-<idle>` gets the new image and must roll out ready;
#  3. smoke probe through the idle colour's own Service (`linguamate-api-<idle>`): readiness and a read;
#  4. the Service selector switches to the idle colour;
#  5. for WATCH_MINUTES the 5xx ratio of the new colour (Prometheus, pods labelled `color`) must stay
#     under MAX_ERROR_RATIO; otherwise the selector goes back to the old colour, which never stopped.
# The old colour keeps running (scaled as it was) for the next release or a manual rollback.
set -euo pipefail
: "${IMAGE:?IMAGE is required}"
: "${PROMETHEUS_URL:?PROMETHEUS_URL is required}"
NAMESPACE="${NAMESPACE:-linguamate}"
APP="${APP:-linguamate-api}"
CONTAINER="${CONTAINER:-api}"
WATCH_MINUTES="${WATCH_MINUTES:-10}"
MAX_ERROR_RATIO="${MAX_ERROR_RATIO:-0.01}"
k() { kubectl -n "$NAMESPACE" "$@"; }

live=$(k get service "$APP" -o jsonpath='{.spec.selector.color}')
case "$live" in
  blue) idle=green ;;
  green) idle=blue ;;
  *) echo "== service $APP selects no colour (got '$live')" >&2; exit 1 ;;
esac
echo "== live: $live, deploying $IMAGE to $idle"

k set image "deployment/$APP-$idle" "$CONTAINER=$IMAGE"
k annotate "deployment/$APP-$idle" --overwrite "linguamate.dev/release=${GITHUB_SHA:-manual}"
k rollout status "deployment/$APP-$idle" --timeout=10m

# Smoke probe through the idle colour's Service, before any learner reaches it.
port=18080
k port-forward "service/$APP-$idle" "$port:80" >/dev/null 2>&1 &
forward=$!
trap 'kill "$forward" 2>/dev/null || true' EXIT
bash "$(dirname "$0")/smoke.sh" "http://127.0.0.1:$port"
kill "$forward" 2>/dev/null || true

switch_to() {
  k patch service "$APP" --type merge -p "{\"spec\":{\"selector\":{\"color\":\"$1\"}}}"
  echo "== service $APP now selects $1"
}
switch_to "$idle"

# Watch the new colour's error ratio; no traffic at all counts as healthy (a quiet hour in staging).
query="sum(rate(http_requests_total{namespace=\"$NAMESPACE\",color=\"$idle\",status=~\"5..\",route!~\"/api/health.*|/metrics.*\"}[1m])) / sum(rate(http_requests_total{namespace=\"$NAMESPACE\",color=\"$idle\",route!~\"/api/health.*|/metrics.*\"}[1m]))"
deadline=$((SECONDS + WATCH_MINUTES * 60))
while ((SECONDS < deadline)); do
  sleep 30
  ratio=$(curl -fsS --max-time 10 --get "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$query" |
    jq -r '.data.result[0].value[1] // "0"') || ratio="unknown"
  echo "== $idle 5xx ratio: $ratio (limit $MAX_ERROR_RATIO)"
  if [[ $ratio == unknown ]] || awk -v r="$ratio" -v max="$MAX_ERROR_RATIO" 'BEGIN { exit !(r == "NaN" ? 0 : r > max) }'; then
    echo "== error ratio over the limit (or Prometheus unreachable): rolling back to $live" >&2
    switch_to "$live"
    exit 1
  fi
done
echo "== $idle healthy for $WATCH_MINUTES min: release done, $live stays as the rollback target"
