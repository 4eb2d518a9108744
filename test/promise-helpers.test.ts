// The patched @whatwg-node/promise-helpers (patches/, applied by `npm install`) that yoga and envelop run every
// plugin hook through: the fast path is installed, and it keeps the semantics the request pipeline relies on.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The copy @envelop/core and graphql-yoga resolve, not whichever one this file would resolve by itself.
const fromEnvelop = createRequire(createRequire(import.meta.url).resolve('@envelop/core'));
const fromYoga = createRequire(createRequire(import.meta.url).resolve('graphql-yoga'));
type Helpers = typeof import('@whatwg-node/promise-helpers') & { mapMaybePromise: Function };
const load = async (resolveFrom: NodeRequire, format: 'esm' | 'cjs'): Promise<Helpers> => {
  const cjsPath = resolveFrom.resolve('@whatwg-node/promise-helpers');
  return format === 'cjs' ? resolveFrom('@whatwg-node/promise-helpers') : import(pathToFileURL(cjsPath.replace('/cjs/', '/esm/')).href);
};

describe('@whatwg-node/promise-helpers as patched', () => {
  it('is the same copy for envelop and yoga, with the fast path and the 1.x API in both module formats', async () => {
    expect(fromEnvelop.resolve('@whatwg-node/promise-helpers')).toBe(fromYoga.resolve('@whatwg-node/promise-helpers'));
    for (const format of ['esm', 'cjs'] as const) {
      const helpers = await load(fromEnvelop, format);
      // 2.0's resolved fake promises are instances of one class; 1.3.2's were object literals.
      expect(helpers.fakePromise(1).constructor.name, format).toBe('FakePromise');
      expect(typeof helpers.mapMaybePromise, format).toBe('function');
    }
  });

  it('calls synchronous hooks synchronously and hands promises on as promises', async () => {
    const { handleMaybePromise, mapMaybePromise } = await load(fromEnvelop, 'esm');
    const order: string[] = [];
    expect(handleMaybePromise(() => 1, (v: number) => (order.push('success'), v + 1))).toBe(2);
    expect(order).toEqual(['success']);
    expect(mapMaybePromise(2, (v: number) => v * 10)).toBe(20);

    const later = handleMaybePromise(() => Promise.resolve(3), (v: number) => v + 1);
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toBe(4);
  });

  it('walks hook lists in order, collecting results, stopping early, and going on after a promise', async () => {
    for (const format of ['esm', 'cjs'] as const) {
      const { iterateAsync } = await load(fromEnvelop, format);
      const calls: [number, number][] = [];
      const results: number[] = [];
      expect(iterateAsync([1, 2, 3], (value: number, _end: () => void, index: number) => (calls.push([value, index]), value * 10), results), format).toBeUndefined();
      expect(calls, format).toEqual([[1, 0], [2, 1], [3, 2]]);
      expect(results, format).toEqual([10, 20, 30]);

      const stopped: number[] = [];
      iterateAsync([1, 2, 3], (value: number, endEarly: () => void) => (value === 2 && endEarly(), value), stopped);
      expect(stopped, format).toEqual([1, 2]);

      // A promise in the middle: the rest runs after it, and the walk returns a promise.
      const order: string[] = [];
      const mixed: number[] = [];
      const walk = iterateAsync([1, 2, 3], (value: number) => {
        order.push(`call ${value}`);
        return value === 2 ? Promise.resolve(200) : value;
      }, mixed);
      order.push('returned');
      expect(walk, format).toBeInstanceOf(Promise);
      await walk;
      expect(order, format).toEqual(['call 1', 'call 2', 'returned', 'call 3']);
      expect(mixed, format).toEqual([1, 200, 3]);

      // A hook that stops early after its promise; errors thrown or rejected reach the caller.
      const early: number[] = [];
      await iterateAsync([1, 2, 3], (value: number, endEarly: () => void) => (value === 1 ? Promise.resolve().then(() => (endEarly(), 1)) : value), early);
      expect(early, format).toEqual([1]);
      expect(() => iterateAsync([1], () => { throw new Error('sync boom'); }), format).toThrow('sync boom');
      await expect(iterateAsync([1, 2], (value: number) => (value === 1 ? Promise.resolve(0) : Promise.reject(new Error('async boom')))), format).rejects.toThrow('async boom');
      expect(iterateAsync([], () => 1), format).toBeUndefined();
      // The patched walk is a loop; 2.0.2's (the rest of this patch) recursed per element and overflowed here.
      let visited = 0;
      expect(() => iterateAsync(Array.from({ length: 100_000 }, (_, i) => i), () => void visited++), format).not.toThrow();
      expect(visited, format).toBe(100_000);
    }
  });

  it('routes errors of the input to the error handler, and runs finally on both paths', async () => {
    const { handleMaybePromise } = await load(fromEnvelop, 'esm');
    const boom = new Error('boom');
    expect(handleMaybePromise(() => { throw boom; }, () => 'not reached', (e: unknown) => e)).toBe(boom);
    expect(() => handleMaybePromise(() => { throw boom; }, () => 'not reached')).toThrow('boom');
    await expect(handleMaybePromise(() => Promise.reject(boom), () => 'not reached', (e: unknown) => `caught ${(e as Error).message}`)).resolves.toBe('caught boom');

    const finals: string[] = [];
    expect(handleMaybePromise(() => 5, (v: number) => v, undefined, () => void finals.push('sync'))).toBe(5);
    await expect(handleMaybePromise(() => Promise.resolve(6), (v: number) => v, undefined, () => void finals.push('async'))).resolves.toBe(6);
    expect(() => handleMaybePromise(() => { throw boom; }, () => 'not reached', undefined, () => void finals.push('thrown'))).toThrow('boom');
    expect(finals).toEqual(['sync', 'async', 'thrown']);
  });
});
