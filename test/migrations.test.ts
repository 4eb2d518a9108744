// The migrator behaves like `prisma migrate deploy`, and the migrated database matches schema.prisma.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, MigrationError, readMigrations } from '../src/db/migrator.ts';
import { Prisma } from '../src/generated/prisma/client.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';

function copyOfMigrations() {
  const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migrator', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  afterAll(() => t?.drop());

  it('applies every migration once and records it like prisma migrate deploy', async () => {
    const migrations = await readMigrations();
    expect(await migrate(t.db.sql)).toEqual(migrations.map((m) => m.name));
    expect(await migrate(t.db.sql)).toEqual([]);
    const rows = await t.db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const row of rows) {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    const dir = copyOfMigrations();
    const [first] = await readMigrations(dir);
    appendFileSync(path.join(dir, first!.name, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(t.db.sql, dir)).rejects.toThrow(/was edited after it was applied/);
  });

  it('rolls a failing migration back completely and records nothing', async () => {
    const dir = copyOfMigrations();
    mkdirSync(path.join(dir, '29990101000000_broken'));
    writeFileSync(
      path.join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE "half_done" (id INT);\nALTER TABLE "tasks" ADD COLUMN "extra" TEXT;\nSELECT * FROM "no_such_table";\n',
    );
    await expect(migrate(t.db.sql, dir)).rejects.toThrow(MigrationError);
    const tables = await t.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'half_done'`);
    expect(tables[0]!.n).toBe(0);
    const columns = await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'tasks' AND column_name = 'extra'`,
    );
    expect(columns[0]!.n).toBe(0);
    const recorded = await t.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
    );
    expect(recorded[0]!.n).toBe(0);
  });
});

describe('the migrated database matches schema.prisma', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

  it('reads and writes every model and field through the client', async () => {
    const { prisma } = t.db;
    const user = await prisma.user.create({ data: { email: 'model@example.com', name: 'Model', passwordHash: 'h' } });
    expect(user).toMatchObject({ email: 'model@example.com', name: 'Model', passwordHash: 'h', tokenVersion: 0 });
    expect(user.createdAt).toBeInstanceOf(Date);
    const session = await prisma.session.create({ data: { userId: user.id, expiresAt: new Date('2030-01-01T00:00:00.000Z') } });
    await prisma.session.update({ where: { id: session.id }, data: { revokedAt: new Date('2029-01-01T00:00:00.000Z') } });
    const token = await prisma.refreshToken.create({ data: { sessionId: session.id, tokenHash: 'abc' } });
    await prisma.refreshToken.update({ where: { id: token.id }, data: { usedAt: new Date() } });
    const due = new Date('2031-05-06T07:08:09.123Z');
    const task = await prisma.task.create({
      data: { userId: user.id, title: 'T', description: 'D', completed: true, completedAt: due, dueAt: due, priority: 3 },
    });
    const read = await prisma.user.findUniqueOrThrow({
      where: { id: user.id },
      include: { tasks: true, sessions: { include: { refreshTokens: true } } },
    });
    expect(read.tasks[0]).toMatchObject({ id: task.id, title: 'T', description: 'D', completed: true, dueAt: due, completedAt: due, priority: 3 });
    expect(read.sessions[0]!.revokedAt).toEqual(new Date('2029-01-01T00:00:00.000Z'));
    expect(read.sessions[0]!.refreshTokens[0]!.usedAt).toBeInstanceOf(Date);
    const updated = await prisma.user.update({ where: { id: user.id }, data: { tokenVersion: { increment: 1 } } });
    expect(updated.tokenVersion).toBe(1);
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());
  });

  it('enforces the unique constraints', async () => {
    const { prisma } = t.db;
    await prisma.user.create({ data: { email: 'unique@example.com', passwordHash: 'h' } });
    const duplicate = prisma.user.create({ data: { email: 'unique@example.com', passwordHash: 'h' } });
    await expect(duplicate).rejects.toSatisfy((e) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002');
    const user = await prisma.user.findUniqueOrThrow({ where: { email: 'unique@example.com' } });
    const session = await prisma.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 1000) } });
    await prisma.refreshToken.create({ data: { sessionId: session.id, tokenHash: 'same' } });
    const again = prisma.refreshToken.create({ data: { sessionId: session.id, tokenHash: 'same' } });
    await expect(again).rejects.toSatisfy((e) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002');
  });

  it('has a keyset index for every sort order and per-user trigram indexes for search', async () => {
    const rows = await t.db.sql.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = 'tasks'`);
    const names = rows.map((r) => r.indexname);
    for (const index of [
      'tasks_user_created_at_idx',
      'tasks_user_updated_at_idx',
      'tasks_user_priority_idx',
      'tasks_user_title_key_idx',
      'tasks_user_due_at_asc_idx',
      'tasks_user_due_at_desc_idx',
      'tasks_user_title_trgm_idx',
      'tasks_user_description_trgm_idx',
    ]) {
      expect(names).toContain(index);
    }
  });

  it('keeps the search indexes on the user and without a GIN pending list', async () => {
    const rows = await t.db.sql.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tasks' AND indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['tasks_user_description_trgm_idx', 'tasks_user_title_trgm_idx']);
    for (const { indexdef } of rows) {
      expect(indexdef).toMatch(/USING gin \(user_id, \w+ gin_trgm_ops\)/);
      expect(indexdef).toMatch(/fastupdate='?off'?/);
    }
  });
});
