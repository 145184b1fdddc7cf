# Rozet Control Room: multi-stage build, runs as a non-root user, data in the /data volume.
#   docker build -t rozet .
#   docker run -p 4800:4800 -e ROZET_TOKEN=$(openssl rand -hex 24) -v rozet-home:/data rozet
# Or: docker compose up -d (docs/deploy.md).

FROM node:22-bookworm-slim AS build
# better-sqlite3 compiles its native module; npm 11 honours package.json allowScripts (which install scripts run).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ git ca-certificates >/dev/null \
  && rm -rf /var/lib/apt/lists/* && npm install -g npm@11 --no-audit --no-fund >/dev/null
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
  && npx turbo run build --filter=@rozet/web \
  && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
# git: session worktrees; tini: signals reach the server, which stops its agents' process groups on SIGTERM.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends git tini ca-certificates >/dev/null \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 10001 rozet && useradd --system --uid 10001 --gid rozet --home-dir /data --shell /usr/sbin/nologin rozet \
  && mkdir -p /data && chown rozet:rozet /data
WORKDIR /app
COPY --from=build --chown=root:root /app /app
ENV NODE_ENV=production \
    ROZET_HOME=/data \
    ROZET_HOST=0.0.0.0 \
    ROZET_PORT=4800
USER rozet
VOLUME ["/data"]
EXPOSE 4800
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ROZET_PORT||4800)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "apps/server/bin/rozet.js", "start"]
