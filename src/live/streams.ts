// The change stream and the reminder stream of one subscriber. The change stream reads the user's change
// log (the same pages as sync) from its position on: it subscribes to the bus first, then replays what
// came after `after`, then reads on at every notification. Notifications only say "read on", so there is
// no gap and no duplicate at the seam, events come in commit order, and a burst or a slow client never
// piles up: while a page waits for the client, further notifications fold into one more read.
import { Repeater } from '@graphql-yoga/subscription';
import type { SignedInContext } from '../context.ts';
import type { Task } from '../generated/prisma/client.ts';
import { currentPosition, syncPage, type Change, type Position, type SyncPage } from '../services/sync.ts';

const PAGE = 200;

// A notification wakes every subscriber of the user on this instance at once, usually all at the same
// position: they share one read of the change log instead of running one each (ten devices of one user,
// ten identical transactions). A read is shared only with subscribers woken before it started, so it is
// sure to see the commit that woke them. `clock` orders wake-ups and read starts.
let clock = 0;
const sharedReads = new WeakMap<object, Map<string, { startedAt: number; page: Promise<SyncPage> }>>();

function readPage(ctx: SignedInContext, userId: string, position: Position | null, wokenAt: number): Promise<SyncPage> {
  let reads = sharedReads.get(ctx.prisma);
  if (!reads) sharedReads.set(ctx.prisma, (reads = new Map()));
  const key = `${userId}|${position ? `${position.seq}|${position.source}|${position.id}` : ''}`;
  const running = reads.get(key);
  if (running && running.startedAt > wokenAt) return running.page;
  const entry = { startedAt: ++clock, page: syncPage(ctx, userId, position, PAGE) };
  reads.set(key, entry);
  const done = () => {
    if (reads.get(key) === entry) reads.delete(key);
  };
  entry.page.then(done, done);
  return entry.page;
}

export function changeStream(ctx: SignedInContext, after: Position | null): AsyncIterable<Change> {
  const userId = ctx.viewer.userId;
  return new Repeater<Change>(async (push, stop) => {
    let position = after;
    let ready = false;
    let pending = false;
    let reading: Promise<void> | null = null;
    let stopped = false;
    let wokenAt = 0;

    const readOn = async () => {
      while (pending && !stopped) {
        pending = false;
        const woken = wokenAt;
        for (;;) {
          const page = await readPage(ctx, userId, position, woken);
          for (const change of page.changes) {
            if (stopped) return;
            // Second check that the row is the subscriber's (the page is already read in their scope).
            if (change.node && (change.node as { userId: string }).userId !== userId) continue;
            await push(change);
            position = change.position;
          }
          position = page.position;
          if (!page.hasMore) break;
        }
      }
    };
    const kick = () => {
      wokenAt = ++clock;
      pending = true;
      if (!ready || reading) return;
      // Read from a microtask: the bus wakes every subscriber of the user in one go, and each woken one can
      // then join the read the first one starts.
      reading = Promise.resolve()
        .then(readOn)
        .catch((error) => stop(error))
        .finally(() => {
          reading = null;
          if (pending && !stopped) kick();
        });
    };

    const unwatch = ctx.sessionWatch.watch(ctx.viewer, () => endStream(ctx, stop));
    let unsubscribe = () => {};
    try {
      unsubscribe = await ctx.bus.onChanges(userId, kick);
      position ??= await currentPosition(ctx, userId);
      ready = true;
      // Replay what came after the token (and anything committed while subscribing), then read on.
      kick();
    } catch (error) {
      stop(error);
    }
    await stop;
    stopped = true;
    unsubscribe();
    unwatch();
  });
}

export interface TaskReminderShape {
  task: Task;
  remindAt: Date;
}

/** How many recent firings a reminder stream remembers to deliver each once. */
const REMEMBERED_FIRINGS = 1000;

/**
 * Due reminders of the subscriber's tasks, each re-read in the subscriber's scope (still open and live), each
 * firing once: a firing published again (its claim published, then failed to commit) is dropped.
 */
export function reminderStream(ctx: SignedInContext): AsyncIterable<TaskReminderShape> {
  const userId = ctx.viewer.userId;
  const delivered = new Set<string>();
  return new Repeater<TaskReminderShape>(async (push, stop) => {
    const unwatch = ctx.sessionWatch.watch(ctx.viewer, () => endStream(ctx, stop));
    const unsubscribe = await ctx.bus.onReminder(userId, (reminder) => {
      const firing = `${reminder.taskId}/${reminder.remindAt}/${reminder.armedSeq ?? ''}`;
      if (delivered.has(firing)) return;
      delivered.add(firing);
      // A Set iterates in insertion order: the first entry is the oldest.
      if (delivered.size > REMEMBERED_FIRINGS) delivered.delete(delivered.values().next().value!);
      void ctx.prisma.task
        .findFirst({ where: { id: reminder.taskId, userId, deletedAt: null, completed: false } })
        .then((task) => (task && task.userId === userId ? push({ task, remindAt: new Date(reminder.remindAt) }) : undefined))
        .catch((error) => stop(error));
    });
    await stop;
    unsubscribe();
    unwatch();
  });
}

/** The session ended or the token expired: a WebSocket closes with 4403, an SSE stream completes. */
function endStream(ctx: SignedInContext, stop: () => void) {
  ctx.closeConnection?.(4403, 'Session ended or token expired: reconnect with a fresh token');
  stop();
}
