// The patched @pothos/core context cache (patches/, applied by `npm install`): Pothos keeps per-request state
// (scope-auth's request cache, dataloaders, ...) in caches keyed by the request's context. Upstream keeps them
// in WeakMaps, whose values V8's young-generation GC keeps alive until a full GC; the patch keeps them on the
// key object instead. Same semantics, and a finished request's entries die in the next young-generation GC.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';

// The copy the plugins resolve, in both module formats.
const fromScopeAuth = createRequire(createRequire(import.meta.url).resolve('@pothos/plugin-scope-auth'));
type PothosCore = typeof import('@pothos/core');
const load = async (format: 'esm' | 'cjs'): Promise<PothosCore> => {
  const cjsPath = fromScopeAuth.resolve('@pothos/core');
  return format === 'cjs' ? fromScopeAuth('@pothos/core') : import(pathToFileURL(cjsPath.replace('/lib/', '/esm/')).href);
};
const ENTRIES = Symbol.for('Pothos.contextCacheEntries');

describe('@pothos/core createContextCache as patched', () => {
  it('keeps one entry per cache and context, on the context, in both module formats', async () => {
    for (const format of ['esm', 'cjs'] as const) {
      const { createContextCache, initContextCache } = await load(format);
      const calls: unknown[][] = [];
      const first = createContextCache((context: object, n: number) => (calls.push([context, n]), { n }));
      const second = createContextCache(() => ({ second: true }));

      const context = { request: 1 };
      const entry = first(context, 1);
      expect(first(context, 2), format).toBe(entry); // created once: later arguments are ignored
      expect(entry, format).toEqual({ n: 1 });
      expect(second(context), format).toEqual({ second: true }); // caches do not share entries
      expect(first({ request: 2 }, 3), format).not.toBe(entry);
      expect(calls.map(([, n]) => n), format).toEqual([1, 3]);
      // Stored on the key, invisible to enumeration and JSON.
      expect(Object.getOwnPropertySymbols(context), format).toEqual([ENTRIES]);
      expect(Object.keys(context), format).toEqual(['request']);
      expect(JSON.stringify(context), format).toBe('{"request":1}');

      first.delete(context);
      expect(first(context, 4), format).toEqual({ n: 4 });
      expect(second(context), format).toEqual({ second: true });

      // initContextCache's key object stands for the context; a new key starts over (subscriptions use this).
      const withKey: Record<PropertyKey, unknown> = { ...initContextCache() };
      const keyed = first(withKey, 5);
      expect(first(withKey, 6), format).toBe(keyed);
      Object.assign(withKey, initContextCache());
      expect(first(withKey, 7), format).toEqual({ n: 7 });

      // A key that cannot take a property still gets one entry per cache.
      const frozen = Object.freeze({ request: 3 });
      expect(first(frozen, 8), format).toBe(first(frozen, 9));
      expect(first(frozen, 10), format).toEqual({ n: 8 });
    }
  });

  it("lets a finished request's entries die in a young-generation GC", async () => {
    const { createContextCache } = await load('esm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
    // Like scope-auth's request cache: the entry holds the context it was made for, and some data.
    const cache = createContextCache((context: object) => ({ context, rows: Array.from({ length: 2_000 }, (_, i) => ({ i, title: `task ${i}` })) }));
    const used = () =>
      v8.getHeapSpaceStatistics().filter((space) => space.space_name === 'new_space' || space.space_name === 'old_space').reduce((sum, space) => sum + space.space_used_size, 0);
    const requests = () => {
      for (let i = 0; i < 20; i++) cache({ request: i }); // about 3.5 MB of entries whose contexts are dropped at once
    };
    cache({ warm: true });
    gc();
    gc(); // the cache's own structures are old now, as in a server that has run for a while
    const before = used();
    requests();
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    // With WeakMaps, the entries survive every young-generation GC (3.1 MB here) until a full GC.
    expect(used() - before).toBeLessThan(1_000_000);
  });
});
