#!/bin/sh
# Why this exists: the Prisma CLI downloads a native schema-engine binary at start-up, even for
# `prisma generate`, which never uses it. That download host is unreachable offline (and behind some
# corporate proxies), so `npm install` points PRISMA_SCHEMA_ENGINE_BINARY at this stub.
# Migrations are hand-written SQL applied by src/db/migrator.ts, so the engine is never needed.
echo "schema-engine stub: the real Prisma schema engine is not available here (see prisma/schema-engine-stub.sh)" >&2
exit 1
