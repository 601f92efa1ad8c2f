# One image for every service; the command picks the app. Built from the workspace root.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# APP is one of: enrollment, scheduling, clinician-liaison, outcomes, gateway
ENV APP=gateway
CMD ["sh", "-c", "exec node --enable-source-maps --require ./dist/libs/platform/observability/src/register.js ./dist/apps/${APP}/src/main.js"]
