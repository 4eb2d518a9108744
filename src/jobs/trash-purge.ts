// The trash purge on a timer: trash older than TRASH_RETENTION_DAYS is deleted for good (tombstones tell
// sync), with expired Idempotency-Key records. Every instance runs it; purgeTrash is safe to run at once
// from several (each user's purge takes that user's lock, and a second purger finds nothing left).
import type { SqlRunner } from '../db/sql-runner.ts';
import type { Bus } from '../live/bus.ts';
import { purgeTrash } from '../services/trash.ts';

export function startTrashPurge(sql: SqlRunner, bus: Bus, options: { retentionDays: number; intervalSeconds: number; log: (message: string, error?: unknown) => void }) {
  let running: Promise<void> | null = null;
  const run = () => {
    running ??= purgeTrash(sql, options.retentionDays, new Date(), bus)
      .then((purged) => {
        if (purged) options.log(`purged ${purged} tasks from the trash`);
      })
      .catch((error) => options.log('trash purge failed', error))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(run, 10_000);
  const timer = setInterval(run, options.intervalSeconds * 1000);
  first.unref();
  timer.unref();
  return {
    /** Stops the timer and waits for a purge under way. */
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
