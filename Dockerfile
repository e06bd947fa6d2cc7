# syntax=docker/dockerfile:1
# The Linguamate API image: one image for every role (ROLES), built in three stages so the final one holds
# only production dependencies, the compiled code and the few files read at run time. Checked statically by
# test/deploy/image.test.ts (no Docker engine in CI). See README "Container image".
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: every dependency, then tsc -> dist/ and the admin console (esbuild) -> dist/admin -----------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY admin ./admin
RUN npm run build

# --- prod-deps: production dependencies only (native ones built here, for the final stage's platform) ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    ROLES=api,realtime,worker \
    HOST=0.0.0.0 \
    PORT=8080 \
    WORKER_PORT=8081
WORKDIR /app
# Read at run time: package.json (the project root marker and the version), drizzle/ (migrations and their
# journal, also read by readiness) and the password wordlist (src/modules/auth/passwords.ts).
COPY --chown=node:node package.json ./
COPY --chown=node:node --from=prod-deps /app/node_modules ./node_modules
# dist/ holds the compiled service and the built admin console (dist/admin, served at /admin).
COPY --chown=node:node --from=build /app/dist ./dist
COPY --chown=node:node drizzle ./drizzle
COPY --chown=node:node src/modules/auth/wordlists/common-passwords.txt ./src/modules/auth/wordlists/
# DATA_DIR for embedded PGlite, used only when the image runs without DATABASE_URL (never in production).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080 8081
# SIGTERM drains: HTTP requests, WebSockets (1012) and jobs in flight get SHUTDOWN_TIMEOUT_MS; give the
# container at least that plus a few seconds (compose: stop_grace_period, Kubernetes: terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
# Liveness without curl: /api/health/live on PORT, or /health on WORKER_PORT when ROLES is worker alone.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/src/cli/healthcheck.js"]
# node directly (not npm start, whose prestart rebuilds with dev dependencies): PID 1 receives SIGTERM.
# Migrations as a one-shot: docker run <image> node dist/src/cli/migrate.js
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
