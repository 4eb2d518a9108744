// The signed-in user's profile: display name and time zone (in which recurring tasks repeat).
import { z } from 'zod';
import type { SignedInContext } from '../context.ts';
import type { User } from '../generated/prisma/client.ts';
import { canonicalTimeZone } from './recurrence.ts';
import { nullIssues, parseInput, text } from './validation.ts';
import { throwIfAny } from './references.ts';

const profileSchema = z.object({
  name: text('name', 100, { trim: true }).nullish().transform((name) => (name === undefined ? undefined : name || null)),
  timeZone: z
    .string()
    .optional()
    .transform((zone, ctx) => {
      if (zone === undefined) return undefined;
      const canonical = canonicalTimeZone(zone);
      if (!canonical) ctx.addIssue({ code: 'custom', message: 'timeZone must be an IANA time zone such as "Europe/Berlin" or "UTC"' });
      return canonical ?? undefined;
    }),
});

/** Changes the given fields; null clears the name (an empty name is no name). Not a change when nothing differs. */
export async function updateProfile(ctx: SignedInContext, input: { name?: string | null; timeZone?: string | null }): Promise<User> {
  throwIfAny(nullIssues(input, ['timeZone']));
  const data = parseInput(profileSchema, input);
  const userId = ctx.viewer.userId;
  const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  const changes: Partial<Pick<User, 'name' | 'timeZone'>> = {};
  if (data.name !== undefined && data.name !== user.name) changes.name = data.name;
  if (data.timeZone !== undefined && data.timeZone !== user.timeZone) changes.timeZone = data.timeZone;
  if (Object.keys(changes).length === 0) return user;
  return ctx.prisma.user.update({ where: { id: userId }, data: changes });
}
