// Reading PostgreSQL timestamps in text form without a regular expression. pg parses every timestamptz with
// postgres-date's regexes, which was 3 % of the server CPU of a task page (21 timestamps); the plain form
// PostgreSQL prints with DateStyle ISO is read here by position, anything else still goes to pg's parser.
import pg from 'pg';

const TIMESTAMPTZ = 1184;
const fallback = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

const digit = (code: number) => code >= 48 && code <= 57;

/** Two digits at `at` as a number, or NaN. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM]`, the form of every timestamptz this API stores, to the same Date
 * as postgres-date (fractions below a millisecond are dropped). Years before 1000, BC dates, infinity and
 * seconds in the offset take pg's own parser.
 */
export function parseTimestamptz(text: string): Date | number | null {
  const n = text.length;
  if (n < 22 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) {
    return fallback(text);
  }
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === 46) {
    at++;
    let scale = 100;
    while (at < n && digit(text.charCodeAt(at))) {
      ms += (text.charCodeAt(at) - 48) * scale;
      scale = scale === 1 ? 0 : scale / 10;
      at++;
    }
  }
  const sign = text.charCodeAt(at);
  if (sign !== 43 && sign !== 45) return fallback(text);
  const offsetHours = twoDigits(text, at + 1);
  let offsetMinutes = 0;
  if (n === at + 6 && text.charCodeAt(at + 3) === 58) offsetMinutes = twoDigits(text, at + 4);
  else if (n !== at + 3) return fallback(text);
  const time = Date.UTC(year, twoDigits(text, 5) - 1, twoDigits(text, 8), twoDigits(text, 11), twoDigits(text, 14), twoDigits(text, 17), ms);
  if (year < 1000 || Number.isNaN(time) || Number.isNaN(offsetHours) || Number.isNaN(offsetMinutes)) return fallback(text);
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(sign === 43 ? time - offset : time + offset);
}

/** For a pg Pool's `types`: timestamptz read by position, every other type as pg reads it. */
export const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary' ? parseTimestamptz : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};
