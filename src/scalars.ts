// DateTime: strict ISO-8601 with a time zone, so "tomorrow" or "2026-02-30" never become a surprise date.
import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from './errors.ts';

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
// PostgreSQL timestamptz and JavaScript Date both hold these comfortably. (Date.UTC reads years 0 to 99 as
// 1900 to 1999, so the first instant is spelled out.)
const MIN = Date.parse('0001-01-01T00:00:00.000Z');
/** The last instant a DateTime can be: nothing the API computes may go past it. */
export const DATE_TIME_MAX = Date.parse('9999-12-31T23:59:59.999Z');

export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') {
    throw badUserInput('DateTime must be an ISO-8601 string, e.g. "2026-01-06T12:00:00.000Z".');
  }
  const match = ISO_DATE_TIME.exec(value);
  if (!match) {
    throw badUserInput(`Invalid DateTime "${value.slice(0, 64)}": use ISO-8601 with a time zone, e.g. "2026-01-06T12:00:00.000Z".`);
  }
  const [, y, mo, d, h, mi, s = '0'] = match.map((part) => part ?? undefined);
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) ||
      Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw badUserInput(`Invalid DateTime "${value}": no such date or time.`);
  }
  const date = new Date(value);
  const time = date.getTime();
  if (Number.isNaN(time) || time < MIN || time > DATE_TIME_MAX) {
    throw badUserInput(`DateTime "${value}" is out of range (0001-01-01 to 9999-12-31).`);
  }
  return date;
}

function daysIn(year: number, month: number) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'UTC date-time in ISO-8601, e.g. 2026-01-06T12:00:00.000Z. Inputs need a time zone (Z or ±hh:mm) and a real calendar date between years 0001 and 9999; outputs are always UTC with milliseconds.',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    throw new TypeError('DateTime cannot represent a non-Date value');
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badUserInput('DateTime must be a string, e.g. "2026-01-06T12:00:00.000Z".');
    return parseDateTime(ast.value);
  },
});
