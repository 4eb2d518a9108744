// Repeating tasks: RFC 5545 RRULE values evaluated in the user's IANA time zone with rrule-temporal, which
// is built on Temporal and so keeps the local wall-clock time of dueAt across daylight-saving changes
// (the Date-based `rrule` package computes in UTC and shifts by an hour after a switch).
import { RRuleTemporal } from 'rrule-temporal';
import { Temporal } from 'temporal-polyfill';
import { DATE_TIME_MAX } from '../scalars.ts';

const FREQS = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const ALLOWED_PARTS = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'BYMONTH', 'COUNT', 'UNTIL']);
export const RECURRENCE_MAX = 500;

/** Why a rule is not acceptable, or null when it is. */
export function recurrenceProblem(rule: string): string | null {
  if (rule.length === 0 || rule.length > RECURRENCE_MAX) return `recurrence must be 1 to ${RECURRENCE_MAX} characters`;
  const seen = new Set<string>();
  for (const part of rule.split(';')) {
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq) : part;
    if (eq <= 0 || eq === part.length - 1) return `recurrence part "${part.slice(0, 40)}" is not NAME=VALUE`;
    if (!ALLOWED_PARTS.has(name)) {
      return `recurrence part ${name.slice(0, 40)} is not supported: use FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, COUNT and UNTIL`;
    }
    if (seen.has(name)) return `recurrence part ${name} appears twice`;
    seen.add(name);
  }
  const freq = /(?:^|;)FREQ=([^;]*)/.exec(rule)?.[1];
  if (!freq || !FREQS.has(freq)) return 'recurrence needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY';
  if (seen.has('COUNT') && seen.has('UNTIL')) return 'recurrence may have COUNT or UNTIL, not both';
  for (const part of rule.split(';')) {
    const problem = valueProblem(part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1), freq);
    if (problem) return problem;
  }
  const until = /(?:^|;)UNTIL=([^;]*)/.exec(rule)?.[1];
  if (until !== undefined && !/^\d{8}(T\d{6}Z)?$/.test(until)) return 'recurrence UNTIL must be a UTC date-time (20261231T235959Z) or a date (20261231)';
  try {
    // Parses the rule and looks for its second occurrence: a rule that no date matches (BYMONTH=2;BYMONTHDAY=30,
    // BYDAY=5MO in a MONTHLY rule is fine but 6MO is not) runs the library out of iterations instead.
    const start = Date.UTC(2026, 0, 1);
    build(rule, Temporal.Instant.fromEpochMilliseconds(start).toZonedDateTimeISO('UTC')).next(new Date(start), false);
  } catch (error) {
    if (isSearchExhausted(error)) return 'recurrence never repeats: no date matches all of its parts';
    return `recurrence is not a valid rule: ${error instanceof Error ? error.message.slice(0, 120) : 'unreadable'}`;
  }
  return null;
}

// RFC 5545 section 3.3.10's value ranges, checked here because the rule library accepts values out of range
// (BYMONTHDAY=32 or 0, BYMONTH=0, COUNT=0, an ordinal BYDAY in a WEEKLY rule) without a word.
const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)';
const VALUE_RULES: Record<string, { pattern: RegExp; allowed: string }> = {
  INTERVAL: { pattern: /^[1-9]\d{0,5}$/, allowed: 'a whole number from 1 to 999999' },
  COUNT: { pattern: /^[1-9]\d{0,5}$/, allowed: 'a whole number from 1 to 999999' },
  BYMONTHDAY: { pattern: /^[+-]?(?:[1-9]|[12]\d|3[01])(?:,[+-]?(?:[1-9]|[12]\d|3[01]))*$/, allowed: 'days 1 to 31 or -31 to -1, separated by commas' },
  BYMONTH: { pattern: /^(?:[1-9]|1[0-2])(?:,(?:[1-9]|1[0-2]))*$/, allowed: 'months 1 to 12, separated by commas' },
  BYDAY: {
    pattern: new RegExp(`^(?:[+-]?(?:[1-9]|[1-4]\\d|5[0-3]))?${WEEKDAY}(?:,(?:[+-]?(?:[1-9]|[1-4]\\d|5[0-3]))?${WEEKDAY})*$`),
    allowed: 'weekdays MO to SU, each optionally after an ordinal (1MO, -1FR) in a MONTHLY or YEARLY rule, separated by commas',
  },
};

function valueProblem(name: string, value: string, freq: string): string | null {
  const check = VALUE_RULES[name];
  if (!check) return null;
  if (!check.pattern.test(value)) return `recurrence ${name} must be ${check.allowed}`;
  if (name === 'BYDAY' && /\d/.test(value) && freq !== 'MONTHLY' && freq !== 'YEARLY') return `recurrence ${name} takes an ordinal (${value.slice(0, 20)}) only in a MONTHLY or YEARLY rule`;
  if (name === 'BYMONTHDAY' && freq === 'WEEKLY') return 'recurrence BYMONTHDAY cannot be used in a WEEKLY rule (RFC 5545): use BYDAY';
  return null;
}

function build(rule: string, dtstart: Temporal.ZonedDateTime): RRuleTemporal {
  // includeDtstart: RFC 5545 counts DTSTART as the first occurrence even when it does not match the rule.
  return new RRuleTemporal({ rruleString: rule, dtstart, includeDtstart: true });
}

/**
 * The first occurrence of `rule`, started at `start` and repeated in `timeZone`, strictly after `after`;
 * null when the rule has no further occurrence (COUNT or UNTIL reached).
 */
export function nextOccurrence(rule: string, start: Date, timeZone: string, after: Date): Date | null {
  const dtstart = Temporal.Instant.fromEpochMilliseconds(start.getTime()).toZonedDateTimeISO(timeZone);
  try {
    const next = build(rule, dtstart).next(after, false);
    return next ? new Date(next.epochMilliseconds) : null;
  } catch (error) {
    // A rule stored before recurrenceProblem refused rules that never match: no further occurrence.
    if (isSearchExhausted(error)) return null;
    throw error;
  }
}

/** rrule-temporal gives up (after maxIterations, 10,000 by default) on a rule that no date matches. */
function isSearchExhausted(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Maximum iterations');
}

/**
 * Where a repeating task completed directly goes: its dueAt to the first occurrence after both the old
 * dueAt and `now`, its remindAt by as much. Null when the rule has no further occurrence, or its next one
 * (or the moved reminder) would fall past 9999-12-31, the last DateTime: then the task completes normally.
 */
export function rollForward(
  rule: string,
  start: Date,
  dueAt: Date,
  remindAt: Date | null,
  timeZone: string,
  now: Date,
): { dueAt: Date; remindAt?: Date } | null {
  const next = nextOccurrence(rule, start, timeZone, new Date(Math.max(dueAt.getTime(), now.getTime())));
  if (!next || next.getTime() > DATE_TIME_MAX) return null;
  if (!remindAt) return { dueAt: next };
  const reminder = remindAt.getTime() + next.getTime() - dueAt.getTime();
  return reminder > DATE_TIME_MAX ? null : { dueAt: next, remindAt: new Date(reminder) };
}

/**
 * The start of a series whose task's dueAt moved to `dueAt`: the same day, at the new dueAt's local time. The
 * rule repeats the wall-clock time of dueAt, while its dates (and what COUNT counts) stay those of the dueAt the
 * rule was set with.
 */
export function startAtTimeOf(start: Date, dueAt: Date, timeZone: string): Date {
  const local = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime()).toZonedDateTimeISO(timeZone);
  const time = local(dueAt).toPlainTime();
  const moved = local(start).withPlainTime(time);
  // That time may not exist on the start's day (a daylight-saving gap): Temporal would move it an hour on,
  // and the rule would repeat that hour. The new dueAt itself then starts the series.
  return moved.toPlainTime().equals(time) ? new Date(moved.epochMilliseconds) : dueAt;
}

/**
 * The IANA time zone a user typed, with its letter case corrected ("europe/kyiv" -> "Europe/Kyiv"), or null
 * when there is no such zone. Temporal keeps the name given (Intl would answer the old alias "Europe/Kiev").
 */
export function canonicalTimeZone(zone: string): string | null {
  // Offsets ("+01:00") are not zones whose rules follow daylight-saving changes.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone) || zone.length > 64) return null;
  try {
    return Temporal.Now.zonedDateTimeISO(zone).timeZoneId;
  } catch {
    return null;
  }
}
