// zod → ValidationError with GraphQL field paths (["input", "title"]).
import { z } from 'zod';
import { ValidationError } from '../errors.ts';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: ['input', ...issue.path.map(String)], message: issue.message })),
  );
}

const NO_NUL = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL characters';

/** Length in characters (code points), not UTF-16 units, so an emoji counts as one. */
const length = (value: string) => [...value].length;

// The limits apply after trimming: padding around a title of the right length is not an error. A value
// longer than twice the limit in UTF-16 units is too long whatever it holds, and is not split into code points.
export const text = (label: string, max: number, { min = 0, trim = false } = {}) =>
  z
    .string()
    .transform((value) => (trim ? value.trim() : value))
    .refine((value) => value.length <= max * 2 && length(value) <= max, { message: `${label} must be at most ${max} characters`, abort: true })
    .refine(NO_NUL, `${label} ${NUL_MESSAGE}`)
    .refine((value) => length(value) >= min, min === 1 ? `${label} must not be empty` : `${label} must be at least ${min} characters`);

export const emailSchema = z
  .string()
  .max(1024, 'email is too long')
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.email('email must be a valid email address').max(254, 'email must be at most 254 characters'));

export const passwordSchema = (label = 'password') => text(label, 128, { min: 8 });

/** A colour as #rrggbb in either case, returned lower-case. */
export const colorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'color must be #rrggbb (six hex digits), or null to clear it')
  .transform((value) => value.toLowerCase());

/** How names are compared and sorted: JavaScript's toLowerCase() fold (stored as name_key). */
export const nameKey = (name: string) => name.toLowerCase();

/** Paths of the fields given as null although they cannot be cleared. */
export function nullIssues<T extends object>(input: T, fields: readonly (keyof T & string)[]) {
  return fields
    .filter((field) => input[field] === null)
    .map((field) => ({ path: ['input', field], message: `${field} cannot be null: omit it to leave it unchanged` }));
}
