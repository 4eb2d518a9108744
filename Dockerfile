# syntax=docker/dockerfile:1
# Build: install everything (prisma generate needs the CLI), compile to dist/, then drop dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
# npm ci's postinstall applies patches/ (patch-package) before prisma generate.
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Run: compiled JavaScript only, as the unprivileged node user.
FROM node:20-bookworm-slim
# MALLOC_MMAP_THRESHOLD_ lets glibc return argon2's 19 MiB buffers; the heap cap keeps V8 from growing
# far past the ~45 MB that is live under load (see README "Performance").
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/dist ./dist
# The trusted documents of the example clients: the default PERSISTED_DOCUMENTS (README "Trusted documents").
COPY --chown=node:node examples/typed-client/src/gql/persisted-documents.json ./examples/typed-client/src/gql/
COPY --chown=node:node examples/web/src/gql/persisted-documents.json ./examples/web/src/gql/
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Migrations first (also applied at start-up; this makes a failure visible before the server starts).
CMD ["sh", "-c", "node dist/db/migrate-cli.js && exec node --max-old-space-size=192 --no-allocation-site-pretenuring dist/server.js"]
