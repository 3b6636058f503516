# syntax=docker/dockerfile:1
# premiumbot container: `docker build -t premiumbot .`
# Run:  docker run -d --name premiumbot --env-file .env -p 8080:8080 -v premiumbot-data:/data premiumbot
# Migrations run once per upgrade: docker run --rm --env-file .env -v premiumbot-data:/data premiumbot node bin/premiumbot migrate
ARG NODE_VERSION=22

# --- build: compile TypeScript with the dev dependencies --------------------------------
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 downloads a prebuilt binary; the toolchain is the fallback when none matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --no-audit --no-fund \
 && rm -rf /var/lib/apt/lists/*
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The product, and the sandbox page `premiumbot sandbox --ui` serves.
RUN npm run build

# --- runtime: production dependencies only, non-root, tini as PID 1 ---------------------
FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_URL=sqlite:/data/premiumbot.db
WORKDIR /app
COPY package.json package-lock.json ./
# The toolchain is removed in the same layer, so it never ships in the image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini python3 make g++ \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && apt-get purge -y --auto-remove python3 make g++ \
 && rm -rf /var/lib/apt/lists/* /tmp/*
COPY bin ./bin
COPY migrations ./migrations
COPY templates ./templates
COPY --from=build /app/dist ./dist
# SQLite lives on the volume; the image's `node` user (uid 1000) owns it. /app/data points
# at it too, so the wizard's default (sqlite:./data/premiumbot.db) lands on the volume.
RUN mkdir -p /data && chown node:node /data && ln -s /data /app/data
VOLUME ["/data"]
USER node
EXPOSE 8080
# No curl in the image: node's fetch checks /healthz (200 when the database answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tini forwards SIGTERM to node (serve drains in-flight work) and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--"]
# A 256 MB old generation: serve's live heap stays under ~60 MB, and without a cap V8 lets
# garbage pile up to ~170 MB under load before collecting it (RSS 250+ MB; issue 17).
CMD ["node", "--max-old-space-size=256", "bin/premiumbot", "serve"]
