// Streams live only as long as their session and access token: every few seconds one query checks the
// sessions of all open streams of this instance (logout, changePassword and reuse detection end
// sessions in PostgreSQL, so every instance sees it), and a timer ends each stream when its token expires.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Viewer } from '../context.ts';

export interface SessionWatch {
  /** Calls `onEnd` once when the viewer's session ends or its token expires; returns the unwatch function. */
  watch(viewer: Viewer, onEnd: () => void): () => void;
  /** Ends every watched stream (shutdown: SSE streams complete instead of holding the server open). */
  endAll(): void;
  close(): void;
}

interface Watcher {
  viewer: Viewer;
  onEnd: () => void;
}

export function createSessionWatch(prisma: PrismaClient, intervalMs: number): SessionWatch {
  const watchers = new Set<Watcher>();
  let timer: NodeJS.Timeout | undefined;
  let checking = false;

  const end = (watcher: Watcher) => {
    if (watchers.delete(watcher)) watcher.onEnd();
  };

  async function check() {
    if (checking || watchers.size === 0) return;
    checking = true;
    try {
      // Only the streams watched when the query started are judged by it: one that starts while the
      // query runs has a session the query did not read, and waits for the next round.
      const checked = [...watchers];
      const ids = [...new Set(checked.map((w) => w.viewer.sessionId))];
      const live = await prisma.session.findMany({
        where: { id: { in: ids }, revokedAt: null, expiresAt: { gt: new Date() } },
        select: { id: true, user: { select: { tokenVersion: true } } },
      });
      const versions = new Map(live.map((session) => [session.id, session.user.tokenVersion]));
      for (const watcher of checked) {
        if (versions.get(watcher.viewer.sessionId) !== watcher.viewer.tokenVersion) end(watcher);
      }
    } catch {
      // The database is away: keep the streams; the next round checks again.
    } finally {
      checking = false;
    }
  }

  return {
    watch(viewer, onEnd) {
      const watcher = { viewer, onEnd };
      watchers.add(watcher);
      timer ??= setInterval(() => void check(), intervalMs).unref();
      const expiry = viewer.expiresAt ? setTimeout(() => end(watcher), Math.max(0, viewer.expiresAt.getTime() - Date.now())) : undefined;
      expiry?.unref();
      return () => {
        clearTimeout(expiry);
        watchers.delete(watcher);
        if (watchers.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    endAll() {
      for (const watcher of [...watchers]) end(watcher);
    },
    close() {
      clearInterval(timer);
      timer = undefined;
      watchers.clear();
    },
  };
}
