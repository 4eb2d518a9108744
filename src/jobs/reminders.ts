// The reminder scheduler: every REMINDER_POLL_SECONDS each instance claims due reminders (remindAt passed,
// task open and live, not fired) with FOR UPDATE SKIP LOCKED, marks them fired and publishes them in the
// same transaction: each fires once across instances; a claim that did not commit (a crash, a failed
// publish) is picked up again. A claim that published and then failed to commit publishes the same firing
// again (same task, remindAt and armed_seq), which each stream delivers once (src/live/streams.ts). The
// claim is an index range on the armed reminders (tasks_remind_at_idx).
import type { SqlRunner } from '../db/sql-runner.ts';
import type { Bus } from '../live/bus.ts';

/**
 * Fires the due reminders of every user, one batch; returns how many fired. Plain SQL rather than Prisma:
 * an idle server that has served no request yet never loads Prisma's query compiler (bench/README.md).
 */
export async function fireDueReminders(sql: SqlRunner, bus: Pick<Bus, 'publishReminder'>, batchSize: number, now = new Date()): Promise<number> {
  return sql.transaction(async (tx) => {
    const due = await tx.query<{ id: string; user_id: string; remind_at: Date; armed_seq: string }>(
      `UPDATE "tasks" SET "reminded_at" = "remind_at"
        WHERE "id" IN (
          SELECT "id" FROM "tasks"
           WHERE "remind_at" <= $1 AND "remind_at" IS NOT NULL AND "reminded_at" IS NULL
             AND NOT "completed" AND "deleted_at" IS NULL
           ORDER BY "remind_at" LIMIT $2
             FOR UPDATE SKIP LOCKED)
    RETURNING "id"::text AS id, "user_id"::text AS user_id, "remind_at", "armed_seq"::text AS armed_seq`,
      [now, batchSize],
      { name: 'fire_due_reminders' },
    );
    for (const reminder of due) {
      await bus.publishReminder(reminder.user_id, { taskId: reminder.id, remindAt: new Date(reminder.remind_at).toISOString(), armedSeq: reminder.armed_seq });
    }
    return due.length;
  });
}

export function startReminders(
  sql: SqlRunner,
  bus: Bus,
  options: { intervalSeconds: number; batchSize: number; log: (message: string, error?: unknown) => void; fired?: (count: number) => void },
) {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= (async () => {
      // A full batch means more may be due: go on at once.
      for (;;) {
        const fired = await fireDueReminders(sql, bus, options.batchSize);
        options.fired?.(fired);
        if (fired < options.batchSize) break;
      }
    })()
      .catch((error) => options.log('reminder scheduler failed', error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, options.intervalSeconds * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
