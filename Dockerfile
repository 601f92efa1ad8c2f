# One image for every service; APP picks the one that runs: enrollment, scheduling,
# clinician-liaison, outcomes or gateway. Build from the workspace root, tagged with package.json's
# version (deploy/k8s/overlays/prod pins it):  docker build -t ghcr.io/carecircle/carecircle:0.1.0 .
# Node is the version the tests run on (tools/deploy/dockerfile.unit.spec.ts checks it).

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production dependencies only, apart from the build's tools; none of them needs an install script.
FROM node:24.21.0-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the service: the code cannot be changed from inside.
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /app/dist/libs ./dist/libs
COPY package.json ./
# The base image's unprivileged "node" user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
ENV APP=gateway
EXPOSE 3000 3101 3102 3103 3104
# A 4 MB semi-space bounds the young generation (V8's default grows to 16 MB x 3): about 27 MB less
# resident memory per service, for a few more scavenges that each take well under a millisecond.
CMD ["sh", "-c", "exec node --max-semi-space-size=4 --require ./dist/libs/platform/observability/src/register.js \"./dist/apps/${APP}/src/main.js\""]
