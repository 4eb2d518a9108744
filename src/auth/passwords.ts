// argon2id hashing. Parameters live here only; needsRehash lets login upgrade hashes made with older ones.
import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import pLimit from 'p-limit';

// OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// argon2 runs in libuv's thread pool; bounding how many run at once keeps a burst of logins from
// occupying every thread (and the event loop's file and DNS work queued behind them).
const hashSlots = pLimit(Math.max(1, availableParallelism() - 1));

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function hashPassword(password: string): Promise<string> {
  return hashSlots(() => argon2.hash(password, ARGON2_OPTIONS));
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return hashSlots(() => argon2.verify(hash, password).catch(() => false));
}

export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, ARGON2_OPTIONS);
}

// A login for an unknown email verifies against this hash, so it costs the same time as a wrong password.
// Made when the module loads, so the first unknown-email login is no slower than the next ones.
const dummyHash = argon2.hash('not-a-real-password-only-for-timing', ARGON2_OPTIONS);
export function verifyAgainstDummy(password: string): Promise<boolean> {
  return dummyHash.then((hash) => verifyPassword(hash, password)).then(() => false);
}
