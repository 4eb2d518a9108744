// The patched pg Result (patches/, applied by `npm install`): a query's template row is built without a
// null-prototype copy, and rows come out exactly as pg builds them otherwise.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// The Result class pg itself uses (the ESM entry re-exports the CommonJS build).
const Result = require(require.resolve('pg/lib/result.js')) as new (rowMode?: string, types?: unknown) => {
  addFields(fields: { name: string; dataTypeID: number; format?: string }[]): void;
  parseRow(values: (string | null)[]): Record<string, unknown>;
  _parseRowAsArray(values: (string | null)[]): unknown[];
  _prebuiltEmptyResultObject: object | null;
};
const TEXT = 25;
const INT4 = 23;
const BOOL = 16;

/** What pg 8.23.1 builds for a row: a spread of a null-prototype template, then the parsed values. */
function unpatchedRow(names: string[], values: (string | null)[], parse: (i: number, v: string) => unknown) {
  const template = Object.create(null) as Record<string, unknown>;
  for (const name of names) template[name] = null;
  const row: Record<string, unknown> = { ...{ ...template } };
  values.forEach((value, i) => (row[names[i]!] = value === null ? null : parse(i, value)));
  return row;
}

describe('pg rows with the patched Result', () => {
  const cases: { names: string[]; types: number[]; values: (string | null)[] }[] = [
    { names: ['id', 'title', 'completed', 'createdAt'], types: [TEXT, TEXT, BOOL, TEXT], values: ['a', 'Buy milk', 't', null] },
    { names: ['n', 'n'], types: [INT4, INT4], values: ['1', '2'] }, // duplicate names: the last value wins
    { names: ['2', 'b', '1', 'constructor'], types: [TEXT, TEXT, TEXT, TEXT], values: ['x', 'y', 'z', 'w'] },
    { names: ['__proto__', 'ok'], types: [TEXT, INT4], values: ['polluted?', '7'] },
    { names: [], types: [], values: [] },
  ];

  it('builds the same rows as pg does unpatched: keys, order, values and prototype', () => {
    for (const { names, types, values } of cases) {
      const result = new Result();
      result.addFields(names.map((name, i) => ({ name, dataTypeID: types[i]!, format: 'text' })));
      const row = result.parseRow(values);
      const expected = unpatchedRow(names, values, (i, v) => (types[i] === INT4 ? Number(v) : types[i] === BOOL ? v === 't' : v));
      expect(Reflect.ownKeys(row), names.join()).toEqual(Reflect.ownKeys(expected));
      expect(Object.getPrototypeOf(row), names.join()).toBe(Object.prototype);
      for (const key of Reflect.ownKeys(expected)) expect(Object.getOwnPropertyDescriptor(row, key), String(key)).toEqual(Object.getOwnPropertyDescriptor(expected, key));
      // Rows do not share state: a second row starts from an empty template.
      const second = result.parseRow(values.map(() => null));
      expect(Object.values(second).every((v) => v === null), names.join()).toBe(true);
    }
    // A column named __proto__ is an own property, never the row's prototype.
    const result = new Result();
    result.addFields([{ name: '__proto__', dataTypeID: TEXT }]);
    expect(Object.getPrototypeOf(result.parseRow(['x']))).toBe(Object.prototype);
  });

  it('skips the template in array mode, where rows are arrays of parsed values', () => {
    const result = new Result('array');
    result.addFields([{ name: 'id', dataTypeID: INT4 }, { name: 'done', dataTypeID: BOOL }]);
    expect(result._prebuiltEmptyResultObject).toBeNull(); // the patched build: unpatched pg makes one here
    expect(result._parseRowAsArray(['42', 'f'])).toEqual([42, false]);
  });
});
