// Subscription.changes and Subscription.reminders, and TaskReminder.
import { initContextCache } from '@pothos/core';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { changeStream, reminderStream, type TaskReminderShape } from '../live/streams.ts';
import { decodeSyncToken } from '../services/sync.ts';
import { ChangeRef } from './sync.ts';
import { TaskRef } from './task/node.ts';

const TaskReminderRef = builder.objectRef<TaskReminderShape>('TaskReminder').implement({
  description: 'A reminder that came due: its task is open and outside the trash.',
  fields: (t) => ({
    task: t.field({ type: TaskRef, description: 'The task, as it is now.', resolve: (reminder) => reminder.task }),
    remindAt: t.field({ type: 'DateTime', description: 'The reminder time that came due.', resolve: (reminder) => reminder.remindAt }),
  }),
});

/**
 * A subscription keeps one context for all its events, and the per-request loaders (lists, labels,
 * counts) cache by context: each event starts a fresh cache, or nodes would carry the first event's counts.
 */
function freshLoaders(ctx: Context) {
  Object.assign(ctx, initContextCache());
}

builder.subscriptionFields((t) => ({
  changes: t.withAuth({ loggedIn: true }).field({
    type: ChangeRef,
    description:
      'Every change to your tasks, lists and labels as it commits, through any instance, in commit order. With `after` (the last syncToken you applied) it first sends every change since that token, as sync would, then live ones: no gap, no duplicate. Ends (a WebSocket closes with 4403) when your session ends or your access token expires: reconnect with a fresh token and the last syncToken. Errors: BAD_USER_INPUT for a bad token, UNAUTHENTICATED anonymously.',
    args: { after: t.arg.string({ description: 'Resume after this syncToken (from sync or a Change); omit for live changes only.' }) },
    subscribe: (_root, { after }, ctx) => changeStream(ctx, after == null ? null : decodeSyncToken(ctx.viewer.userId, after)),
    resolve: (change, _args, ctx) => {
      freshLoaders(ctx);
      return { change, userId: ctx.viewer.userId };
    },
  }),
  reminders: t.withAuth({ loggedIn: true }).field({
    type: TaskReminderRef,
    description: 'One event per reminder of yours that comes due (remindAt passed, task open and not in the trash), once, whichever instance fires it. Errors: UNAUTHENTICATED anonymously.',
    subscribe: (_root, _args, ctx) => reminderStream(ctx),
    resolve: (reminder, _args, ctx) => {
      freshLoaders(ctx);
      return reminder;
    },
  }),
}));
