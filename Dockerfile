# nec-cds container images. Targets (the last stage, `runtime`, is the default):
#   docker build -t nec-cds .                                            CDS Hooks service on :3000
#   docker build --target sandbox -t nec-cds-fhir-sandbox .              embedded in-memory FHIR R4 server on :8080 with the demo patients
#   docker build --target fixtures-loader -t nec-cds-fixtures-loader .   one-shot: loads fixtures/patients into a FHIR server
# See docs/deployment.md. No Docker engine was available where this file was written: it is checked statically
# (test/deploy/dockerfile.test.ts) and its layout was rehearsed outside Docker, but it was never built.

# Pinned to a Node 20 minor on Debian 12 (bookworm) slim; bump deliberately (and with package.json "engines").
FROM node:20.20-bookworm-slim AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# --- build: all dependencies, then `tsc -p tsconfig.build.json` → dist/src/**.js -----------------------------------
FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- prod-deps: runtime dependencies only (tsx is one: the fixtures loader runs TypeScript through it) ------------
FROM base AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# --- fixtures-loader: `docker run --rm nec-cds-fixtures-loader http://hapi:8080/fhir [--retries 90]` ---------------
FROM base AS fixtures-loader
ENV NODE_ENV=production
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY scripts/load-fixtures.ts ./scripts/load-fixtures.ts
COPY fixtures/patients ./fixtures/patients
USER node
ENTRYPOINT ["node", "--import", "tsx", "scripts/load-fixtures.ts"]
CMD ["--help"]

# --- sandbox: the embedded in-memory FHIR R4 server (dev/demo only; data is lost on restart) ----------------------
FROM base AS sandbox
ENV NODE_ENV=production \
    FHIR_SANDBOX_HOST=0.0.0.0 \
    FHIR_SANDBOX_PORT=8080
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
COPY fixtures/patients ./fixtures/patients
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.FHIR_SANDBOX_PORT||8080)+'/fhir/metadata').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/embedded-fhir/main.js"]

# --- runtime (default target): the CDS Hooks service ---------------------------------------------------------------
# src/paths.ts finds cards/ and clinical/ next to the nearest package.json above dist/, so all three sit in /app.
# Files stay owned by root and read-only to the `node` user the service runs as.
FROM base AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY --from=build /app/dist ./dist
COPY cards ./cards
COPY clinical ./clinical
# The card review page's static files, read at start when REVIEW_UI is enabled (the default outside production,
# so in docker compose): without them the service would not start there.
COPY src/review/assets ./src/review/assets
# The embedded PostgreSQL (PGlite) keeps cards, feedback and snoozes in /app/data/pglite when DATABASE_URL is unset:
# the one folder the `node` user may write (mount a volume there to keep it across containers).
RUN mkdir -p /app/data && chown node:node /app/data
# V8's heap held small (bench/README.md, "Memory under load"): old space 96 MB, young semi-spaces 4 MB.
ENV DATABASE_DIR=/app/data/pglite \
    NODE_OPTIONS="--max-old-space-size=96 --max-semi-space-size=4"
VOLUME ["/app/data"]
USER node
EXPOSE 3000
# Liveness only (GET /healthz); slim images have no curl, so node itself probes. Assumes HOST is a wildcard or loopback.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
