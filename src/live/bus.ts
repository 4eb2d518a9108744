// The event bus that tells every instance "user U has new changes" and "task T of user U is due": an
// in-process EventTarget by default, Redis pub/sub when REDIS_URL is set (two connections: one publishes,
// one subscribes), so a change committed through any instance reaches subscribers on all of them. Only
// ids travel; subscribers re-read what they deliver with their own scope.
//
// The Redis side follows @graphql-yoga/redis-event-target (a channel per topic, one SUBSCRIBE per topic
// however many listeners) but waits for each SUBSCRIBE to be confirmed, so a stream replays the change
// log only once it cannot miss a later notification, and handles Redis errors instead of leaving
// rejected promises (which would end the process): while Redis is away, notifications are lost, and
// streams catch up from the change log in PostgreSQL with the next one that arrives.
import { setMaxListeners } from 'node:events';
import { connectRedis } from '../redis.ts';

export interface Reminder {
  taskId: string;
  remindAt: string;
  /**
   * The change value that armed it (the task's creation or its last new remindAt): a firing published again
   * by a retried claim carries the same one, a re-armed reminder a new one. Absent from older instances.
   */
  armedSeq?: string;
}

/** A revocation: every session of a user (logout everywhere, password change) or one session. */
export type Revocation = { userId: string } | { sessionId: string };

export interface Bus {
  /** After a commit: the user's change log has grown. Never throws. */
  publishChanges(userId: string): void;
  /** A due reminder of one of the user's tasks; rejects when it could not be sent (the claim rolls back). */
  publishReminder(userId: string, reminder: Reminder): Promise<void>;
  /** Resolves, with the function that stops listening, once notifications can no longer be missed. */
  onChanges(userId: string, listener: () => void): Promise<() => void>;
  onReminder(userId: string, listener: (reminder: Reminder) => void): Promise<() => void>;
  /**
   * Tells every instance that sessions ended; resolves once Redis has written it to every instance's socket
   * (rejects when it could not be sent).
   */
  publishRevocation(revocation: Revocation): Promise<void>;
  onRevocation(listener: (revocation: Revocation) => void): Promise<() => void>;
  /**
   * Since when (ms since the epoch) this instance is sure to hear every revocation, or null while it may
   * miss some (Redis away, or not yet re-subscribed after a reconnect).
   */
  listeningSince(): number | null;
  /** Whether other instances share this bus (Redis): their revocations arrive over a socket. */
  readonly shared: boolean;
  close(): Promise<void>;
}

/** `prefix` keeps two deployments on one Redis apart (Redis ignores the database number for pub/sub). */
export function createBus(redisUrl: string | undefined, prefix: string): Bus {
  const transport = redisUrl ? redisTransport(redisUrl) : localTransport();
  const topic = (kind: string, userId: string) => `${prefix}:${kind}:${userId}`;
  return {
    publishChanges: (userId) => void transport.publish(topic('changes', userId), '').catch(() => {}),
    publishReminder: (userId, reminder) => transport.publish(topic('reminders', userId), JSON.stringify(reminder)),
    onChanges: (userId, listener) => transport.listen(topic('changes', userId), () => listener()),
    onReminder: (userId, listener) =>
      transport.listen(topic('reminders', userId), (message) => {
        try {
          listener(JSON.parse(message) as Reminder);
        } catch {
          // not one of ours
        }
      }),
    publishRevocation: (revocation) => transport.publish(`${prefix}:revocations`, JSON.stringify(revocation), { flush: true }),
    onRevocation: (listener) =>
      transport.listen(`${prefix}:revocations`, (message) => {
        try {
          listener(JSON.parse(message) as Revocation);
        } catch {
          // not one of ours
        }
      }),
    listeningSince: () => transport.listeningSince(),
    shared: Boolean(redisUrl),
    close: () => transport.close(),
  };
}

interface Transport {
  /**
   * Resolves once Redis has the message; with `flush`, once Redis has also written it to every
   * subscriber's socket (see redisTransport).
   */
  publish(channel: string, message: string, options?: { flush?: boolean }): Promise<void>;
  listen(channel: string, listener: (message: string) => void): Promise<() => void>;
  /** See Bus.listeningSince. */
  listeningSince(): number | null;
  close(): Promise<void>;
}

function localTransport(): Transport {
  const target = new EventTarget();
  // One listener per open stream of a user on that user's channel: many devices are not a leak, so Node's
  // warning past 10 listeners (MaxListenersExceededWarning on stderr) is off. Streams are bounded per socket.
  setMaxListeners(0, target);
  return {
    publish: async (channel, message) => {
      target.dispatchEvent(new CustomEvent(channel, { detail: message }));
    },
    listen: async (channel, listener) => {
      const handler = (event: Event) => listener((event as CustomEvent<string>).detail);
      target.addEventListener(channel, handler);
      return () => target.removeEventListener(channel, handler);
    },
    // In one process nothing is ever missed.
    listeningSince: () => 0,
    close: async () => {},
  };
}

function redisTransport(url: string): Transport {
  const options = { maxRetriesPerRequest: 1, connectTimeout: 2_000 };
  const publisher = connectRedis(url, options);
  const subscriber = connectRedis(url, options);
  // ioredis reconnects (and re-subscribes) by itself; a failed command is handled where it is sent.
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  const listeners = new Map<string, Set<(message: string) => void>>();
  subscriber.on('message', (channel: string, message: string) => listeners.get(channel)?.forEach((listener) => listener(message)));
  // While the subscriber is away, messages are lost. After it is back, ioredis re-subscribes by itself;
  // SUBSCRIBE again (a no-op for Redis) to know when that has happened: only then nothing is missed.
  let since: number | null = null;
  subscriber.on('close', () => (since = null));
  subscriber.on('ready', () => {
    const channels = [...listeners.keys()];
    const confirmed = channels.length ? subscriber.subscribe(...channels) : Promise.resolve();
    confirmed.then(() => (since = subscriber.status === 'ready' ? Date.now() : null), () => {});
  });
  return {
    publish: async (channel, message, { flush = false } = {}) => {
      await publisher.publish(channel, message);
      // Redis may answer PUBLISH before it writes the message to the subscribers' sockets (it writes the
      // replies of one round in an order of its own, and can be preempted in between). A reply to a later
      // command comes after that whole round: once PING answers, every subscriber's socket has the message,
      // so a request that the caller's response leads to cannot overtake it.
      if (flush) await publisher.ping();
    },
    listen: async (channel, listener) => {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      // Resolves when Redis confirms; Redis commands on one connection run in order, so an earlier
      // UNSUBSCRIBE of the same channel cannot undo it.
      await subscriber.subscribe(channel).catch(() => {});
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(channel) === set) {
          listeners.delete(channel);
          void subscriber.unsubscribe(channel).catch(() => {});
        }
      };
    },
    listeningSince: () => since,
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
