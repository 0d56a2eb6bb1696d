# syntax=docker/dockerfile:1
# genesys-handover gateway image: `docker build -t genesys-handover .`
# Configuration comes from the environment alone (docs/configuration.md) or a mounted file named by
# GENESYS_HANDOVER_CONFIG; data (SQLite) lives in the /data volume. docs/deploy.md has the rest.

# --- build: compile TypeScript and install production dependencies ---------------------------------
FROM node:24-slim AS build
WORKDIR /app
# better-sqlite3 is compiled when no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- run: compiled JavaScript, production dependencies, non-root -----------------------------------
FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json LICENSE ./
COPY bin ./bin
# The default SQLite file, ./data/genesys-handover.db, lands in the volume (no store setting needed, and
# GH__store__kind=postgres needs nothing removed).
RUN mkdir -p /data && chown node:node /data && ln -s /data /app/data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Ready = the store answers and every endpoint's Genesys check passes (GET /readyz).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and gets SIGTERM itself (graceful stop within 10 s, exit 0).
ENTRYPOINT ["node", "bin/genesys-handover.js"]
CMD ["serve"]
