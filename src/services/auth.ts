// Accounts and sessions: signup, login, refresh rotation with reuse detection, logout, changePassword.
import { z } from 'zod';
import {
  unauthenticated,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidTokenError,
  ValidationError,
} from '../errors.ts';
import type { Context, SignedInContext } from '../context.ts';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../auth/passwords.ts';
import { hashRefreshToken, newRefreshToken } from '../auth/tokens.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import { emailSchema, parseInput, passwordSchema, text } from './validation.ts';
import type { User } from '../generated/prisma/client.ts';

export interface AuthResult {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  user: User;
}

const signupSchema = z.object({
  email: emailSchema,
  password: passwordSchema(),
  name: text('name', 100, { trim: true }).nullish().transform((name) => name || null),
});
const loginSchema = z.object({ email: emailSchema, password: text('password', 128, { min: 1 }) });
const changePasswordSchema = z.object({
  currentPassword: text('currentPassword', 128, { min: 1 }),
  newPassword: passwordSchema('newPassword'),
});

export async function signup(ctx: Context, input: { email: string; password: string; name?: string | null }) {
  const { email, password, name } = parseInput(signupSchema, input);
  const attempt = await ctx.rateLimiter.attempt(email, ctx.clientAddress);
  const passwordHash = await hashPassword(password);
  let user: User;
  try {
    user = await ctx.prisma.user.create({ data: { email, name, passwordHash } });
  } catch (error) {
    // The unique index decides between concurrent signups: exactly one wins.
    if (isUniqueViolation(error)) throw new EmailTakenError();
    throw error;
  }
  await attempt.succeeded();
  return startSession(ctx, user);
}

export async function login(ctx: Context, input: { email: string; password: string }) {
  const { email, password } = parseInput(loginSchema, input);
  const attempt = await ctx.rateLimiter.attempt(email, ctx.clientAddress);
  const user = await ctx.prisma.user.findUnique({ where: { email } });
  const ok = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!user || !ok) throw new InvalidCredentialsError();
  await attempt.succeeded();
  if (needsRehash(user.passwordHash)) {
    await ctx.prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return startSession(ctx, user);
}

export async function refresh(ctx: Context, input: { refreshToken: string }): Promise<AuthResult> {
  const tokenHash = hashRefreshToken(input.refreshToken);
  const now = new Date();
  // Single use: marking the token used is the atomic step; a second presenter finds it already used.
  const claimed = await ctx.prisma.refreshToken.updateMany({
    where: { tokenHash, usedAt: null, session: { revokedAt: null, expiresAt: { gt: now } } },
    data: { usedAt: now },
  });
  const token = await ctx.prisma.refreshToken.findUnique({
    where: { tokenHash },
    select: { sessionId: true, session: { select: { user: true } } },
  });
  if (!token) throw new InvalidTokenError();
  if (claimed.count === 0) {
    // Reuse of a rotated token means it leaked: end the whole session family.
    await ctx.prisma.session.updateMany({
      where: { id: token.sessionId, revokedAt: null },
      data: { revokedAt: now },
    });
    await ctx.sessionCache.revoke({ sessionId: token.sessionId });
    throw new InvalidTokenError();
  }
  return issueTokens(ctx, token.session.user, token.sessionId);
}

export async function logout(ctx: Context, input: { refreshToken?: string | null; allSessions?: boolean | null }) {
  // Without a refresh token the call ends the caller's own sessions, so it needs a signed-in caller.
  if (!input.refreshToken && !ctx.viewer) throw unauthenticated();
  const now = new Date();
  if (input.allSessions) {
    const userId = ctx.viewer?.userId ?? (input.refreshToken ? await userOfRefreshToken(ctx, input.refreshToken) : null);
    if (!userId) return { revokedSessions: 0 };
    return { revokedSessions: await endAllSessions(ctx, userId, now) };
  }
  let where;
  if (input.refreshToken) {
    where = { refreshTokens: { some: { tokenHash: hashRefreshToken(input.refreshToken) } } };
  } else {
    where = { id: ctx.viewer!.sessionId, userId: ctx.viewer!.userId };
  }
  const ended = await ctx.prisma.session.updateManyAndReturn({ where: { ...where, revokedAt: null }, data: { revokedAt: now }, select: { id: true } });
  for (const { id } of ended) await ctx.sessionCache.revoke({ sessionId: id });
  return { revokedSessions: ended.length };
}

export async function changePassword(
  ctx: SignedInContext,
  input: { currentPassword: string; newPassword: string },
): Promise<AuthResult> {
  const { currentPassword, newPassword } = parseInput(changePasswordSchema, input);
  const user = await ctx.prisma.user.findUniqueOrThrow({ where: { id: ctx.viewer.userId } });
  const attempt = await ctx.rateLimiter.attempt(user.email, ctx.clientAddress);
  if (!(await verifyPassword(user.passwordHash, currentPassword))) throw new InvalidCredentialsError();
  await attempt.succeeded();
  if (currentPassword === newPassword) {
    throw new ValidationError([{ path: ['input', 'newPassword'], message: 'newPassword must differ from currentPassword' }]);
  }
  const passwordHash = await hashPassword(newPassword);
  const now = new Date();
  const [, updated] = await ctx.prisma.$transaction([
    ctx.prisma.session.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } }),
    ctx.prisma.user.update({
      where: { id: user.id },
      data: { passwordHash, tokenVersion: { increment: 1 } },
    }),
  ]);
  await ctx.sessionCache.revoke({ userId: user.id });
  return startSession(ctx, updated);
}

async function userOfRefreshToken(ctx: Context, refreshToken: string): Promise<string | null> {
  // Only a live token may end every session: an old, used token must not keep signing the user out.
  const token = await ctx.prisma.refreshToken.findFirst({
    where: { tokenHash: hashRefreshToken(refreshToken), usedAt: null, session: { revokedAt: null, expiresAt: { gt: new Date() } } },
    select: { session: { select: { userId: true } } },
  });
  return token?.session.userId ?? null;
}

async function endAllSessions(ctx: Context, userId: string, now: Date): Promise<number> {
  const [{ count }] = await ctx.prisma.$transaction([
    ctx.prisma.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } }),
    ctx.prisma.user.update({ where: { id: userId }, data: { tokenVersion: { increment: 1 } }, select: { id: true } }),
  ]);
  await ctx.sessionCache.revoke({ userId });
  return count;
}

async function startSession(ctx: Context, user: User): Promise<AuthResult> {
  const session = await ctx.prisma.session.create({
    data: { userId: user.id, expiresAt: new Date(Date.now() + ctx.config.SESSION_TTL_SECONDS * 1000) },
    select: { id: true },
  });
  return issueTokens(ctx, user, session.id);
}

async function issueTokens(ctx: Context, user: User, sessionId: string): Promise<AuthResult> {
  const refreshToken = newRefreshToken();
  await ctx.prisma.refreshToken.create({ data: { sessionId, tokenHash: hashRefreshToken(refreshToken) } });
  const access = ctx.tokens.signAccess({ userId: user.id, sessionId, tokenVersion: user.tokenVersion });
  return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, user };
}
