#!/usr/bin/env bash
# Usage: IMAGE=ghcr.io/org/linguamate-api@sha256:... NAMESPACE=linguamate bash deploy/release/migrate.sh
# Runs the new image's migrations as a Kubernetes Job and waits for it (release.yml, before blue-green).
# Migrations are expand-only unless marked as a contract step (docs/migrations.md), so the release still
# serving keeps working on the migrated schema: that is what lets blue-green roll back without a down
# migration.
set -euo pipefail
: "${IMAGE:?IMAGE (the image reference, by digest) is required}"
export IMAGE
export NAMESPACE="${NAMESPACE:-linguamate}"
# The Secret the Kubernetes manifests read (deploy/k8s, "Kubernetes" in the README).
export ENV_SECRET="${ENV_SECRET:-linguamate-secrets}"
export JOB_NAME="linguamate-migrate-${GITHUB_RUN_ID:-manual}-${GITHUB_RUN_ATTEMPT:-$(date +%s)}"
timeout="${MIGRATE_TIMEOUT:-600s}"

envsubst '${JOB_NAME} ${IMAGE} ${NAMESPACE} ${ENV_SECRET}' <"$(dirname "$0")/migrate-job.yaml" | kubectl apply -f -
echo "== migration job $JOB_NAME started"
# Poll until the Job completes or fails (`kubectl wait` waits for one condition only).
deadline=$((SECONDS + ${timeout%s}))
status=""
while ((SECONDS < deadline)); do
  status=$(kubectl -n "$NAMESPACE" get "job/$JOB_NAME" \
    -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
  [[ $status == *Complete* || $status == *Failed* ]] && break
  sleep 5
done
kubectl -n "$NAMESPACE" logs "job/$JOB_NAME" --tail=100 || true
if [[ $status != *Complete* ]]; then
  echo "== migration job $JOB_NAME failed: nothing deployed, the live release keeps serving" >&2
  exit 1
fi
echo "== migrations applied"
