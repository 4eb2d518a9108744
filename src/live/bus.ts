// The event bus that tells every instance "user U has new changes" and "task T of user U is due": an
// in-process EventTarget by default, Redis pub/sub (@graphql-yoga/redis-event-target, two connections)
// when REDIS_URL is set, so a change committed through any instance reaches subscribers on all of them.
// Only ids travel; subscribers re-read what they deliver with their own scope.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';

export interface Reminder {
  taskId: string;
  remindAt: string;
}

export interface Bus {
  /** After a commit: the user's change log has grown. */
  publishChanges(userId: string): void;
  /** A due reminder of one of the user's tasks (awaited: the claim commits only once it is out). */
  publishReminder(userId: string, reminder: Reminder): Promise<void>;
  onChanges(userId: string, listener: () => void): () => void;
  onReminder(userId: string, listener: (reminder: Reminder) => void): () => void;
  close(): Promise<void>;
}

/** `prefix` keeps two deployments on one Redis apart (Redis ignores the database number for pub/sub). */
export function createBus(redisUrl: string | undefined, prefix: string): Bus {
  let target: EventTarget;
  let close = async () => {};
  if (redisUrl) {
    const options = { maxRetriesPerRequest: 1, connectTimeout: 2_000 };
    const publishClient = new Redis(redisUrl, options);
    const subscribeClient = new Redis(redisUrl, options);
    publishClient.on('error', () => {});
    subscribeClient.on('error', () => {});
    target = createRedisEventTarget({ publishClient, subscribeClient }) as unknown as EventTarget;
    close = async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    };
  } else {
    target = new EventTarget();
  }
  const topic = (kind: string, userId: string) => `${prefix}:${kind}:${userId}`;
  const listen = <T>(name: string, listener: (detail: T) => void) => {
    const handler = (event: Event) => listener((event as CustomEvent<T>).detail);
    target.addEventListener(name, handler);
    return () => target.removeEventListener(name, handler);
  };
  return {
    publishChanges: (userId) => {
      target.dispatchEvent(new CustomEvent(topic('changes', userId), { detail: {} }));
    },
    publishReminder: async (userId, reminder) => {
      target.dispatchEvent(new CustomEvent(topic('reminders', userId), { detail: reminder }));
    },
    onChanges: (userId, listener) => listen(topic('changes', userId), () => listener()),
    onReminder: (userId, listener) => listen<Reminder>(topic('reminders', userId), listener),
    close: () => close(),
  };
}
