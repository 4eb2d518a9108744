// The timestamptz reader of the API's own SQL (src/db/timestamps.ts) against pg's, on the forms PostgreSQL prints.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz, pgTypes } from '../src/db/timestamps.ts';

const pgParse = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;
const same = (text: string) => {
  const ours = parseTimestamptz(text);
  const theirs = pgParse(text);
  expect(ours instanceof Date ? ours.getTime() : ours, text).toEqual(theirs instanceof Date ? theirs.getTime() : theirs);
};

/** `date` as PostgreSQL prints a timestamptz in a session whose UTC offset is `offsetMinutes`. */
function printed(date: Date, micros: number, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  let fraction = micros ? `.${pad(local.getUTCMilliseconds() * 1000 + micros, 6)}`.replace(/0+$/, '') : local.getUTCMilliseconds() ? `.${pad(local.getUTCMilliseconds(), 3)}`.replace(/0+$/, '') : '';
  if (fraction === '.') fraction = '';
  const abs = Math.abs(offsetMinutes);
  const zone = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${abs % 60 ? `:${pad(abs % 60)}` : ''}`;
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${zone}`;
}

describe('timestamptz reader', () => {
  it('reads what PostgreSQL prints to the same instant as pg does, in any session time zone', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
    for (let i = 0; i < 2_000; i++) {
      const date = new Date(Date.UTC(1000, 0, 1) + random() * (Date.UTC(9999, 11, 31) - Date.UTC(1000, 0, 1)));
      const micros = i % 3 === 0 ? 0 : Math.floor(random() * 1000);
      for (const offset of [0, 60, -300, 330, 345, -570, 840]) {
        const text = printed(date, micros, offset);
        same(text);
        expect((parseTimestamptz(text) as Date).getTime()).toBe(Math.floor(date.getTime()));
      }
    }
  });

  it('hands the rare forms to pg: early years, BC, infinity, offsets with seconds', () => {
    for (const text of [
      '0099-06-01 12:00:00+00',
      '0999-12-31 23:59:59.999+00',
      '2020-01-01 00:00:00+00 BC',
      'infinity',
      '-infinity',
      '1890-01-01 00:00:00+00:09:21',
      '2025-12-15 02:53:47.5069+00',
      '1970-01-01 00:00:00+00',
    ]) {
      same(text);
    }
  });

  it('is what a pool built with pgTypes uses for timestamptz, and only for it', () => {
    expect(pgTypes.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
    expect(pgTypes.getTypeParser(1114, 'text')).toBe(pg.types.getTypeParser(1114, 'text'));
    expect(pgTypes.getTypeParser(20, 'text')).toBe(pg.types.getTypeParser(20, 'text'));
  });
});
