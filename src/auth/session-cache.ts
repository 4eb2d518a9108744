// Which sessions were found live a moment ago: every request with a token would otherwise ask the database
// again (bench/README.md, "Hot path"). Revocations (logout, password change, a reused refresh token) reach
// every instance through the bus and evict at once; an entry is trusted only while this instance is sure
// to hear them (Redis connected and subscribed), and never longer than SESSION_CACHE_SECONDS.
import type { Bus, Revocation } from '../live/bus.ts';

export interface SessionKey {
  sessionId: string;
  userId: string;
  tokenVersion: number;
}

export interface SessionCache {
  /**
   * Whether the session is live: from a recent check, or from `check` (which asks the database and returns
   * the session's expiry when it is live, null when not).
   */
  isLive(key: SessionKey, check: () => Promise<Date | null>): Promise<boolean>;
  /** Evicts here and tells every other instance; call after the revocation has committed. */
  revoke(revocation: Revocation): Promise<void>;
  close(): void;
}

interface Entry {
  userId: string;
  tokenVersion: number;
  expiresAt: number;
  checkedAt: number;
}

const MAX_ENTRIES = 10_000;

export function createSessionCache(bus: Bus, ttlSeconds: number, log: (message: string, error: unknown) => void): SessionCache {
  const entries = new Map<string, Entry>();
  // Bumped by every revocation: a check that was under way while one arrived is not remembered.
  let generation = 0;
  let subscribedAt: number | null = null;
  let unsubscribe: (() => void) | undefined;
  let closed = false;

  const evict = (revocation: Revocation) => {
    generation++;
    if ('sessionId' in revocation) entries.delete(revocation.sessionId);
    else for (const [id, entry] of entries) if (entry.userId === revocation.userId) entries.delete(id);
  };
  if (ttlSeconds > 0) {
    void bus.onRevocation(evict).then((stop) => {
      if (closed) return stop();
      unsubscribe = stop;
      subscribedAt = Date.now();
    });
  }

  /** Entries checked before this time may have missed a revocation; null = trust none. */
  const trustedSince = () => {
    const listening = bus.listeningSince();
    return listening === null || subscribedAt === null ? null : Math.max(listening, subscribedAt);
  };

  const remembered = (key: SessionKey) => {
    const now = Date.now();
    const since = trustedSince();
    const entry = entries.get(key.sessionId);
    return (
      entry !== undefined && since !== null && entry.checkedAt >= since && now - entry.checkedAt < ttlSeconds * 1000 &&
      now < entry.expiresAt && entry.userId === key.userId && entry.tokenVersion === key.tokenVersion
    );
  };

  return {
    async isLive(key, check) {
      if (ttlSeconds <= 0) return (await check()) !== null;
      if (remembered(key)) {
        // Alone, this instance evicts before a revocation answers. With others, a revocation already in
        // this instance's socket when the request arrived is applied first: let the event loop finish the
        // I/O it has in hand (the bus flushes a revocation to every socket before the revoking request
        // answers), then look again.
        if (!bus.shared) return true;
        await new Promise(setImmediate);
        if (remembered(key)) return true;
      }
      const since = trustedSince();
      const before = generation;
      const checkedAt = Date.now();
      const expiresAt = await check();
      if (expiresAt === null) {
        entries.delete(key.sessionId);
        return false;
      }
      if (generation === before && since !== null) {
        entries.delete(key.sessionId); // re-inserted last: the oldest entries go first
        entries.set(key.sessionId, { userId: key.userId, tokenVersion: key.tokenVersion, expiresAt: expiresAt.getTime(), checkedAt });
        if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      }
      return true;
    },
    async revoke(revocation) {
      evict(revocation);
      if (ttlSeconds <= 0) return;
      // The revocation has committed: if it cannot be sent, other instances learn of it from the database
      // once their entry is older than SESSION_CACHE_SECONDS.
      await bus.publishRevocation(revocation).catch((error: unknown) => log('could not publish a session revocation', error));
    },
    close() {
      closed = true;
      unsubscribe?.();
      entries.clear();
    },
  };
}
