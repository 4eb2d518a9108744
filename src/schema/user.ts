// User node, Query.me, and the account mutations: signup, login, refreshToken, logout, changePassword.
import { builder } from '../builder.ts';
import {
  EmailTakenError,
  InvalidCredentialsError,
  InvalidTokenError,
  RateLimitedError,
  ValidationError,
} from '../errors.ts';
import * as auth from '../services/auth.ts';
import { updateProfile } from '../services/profile.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/passwords.ts';
import { NIL_UUID } from '../global-id.ts';

export const UserRef = builder.prismaNode('User', {
  description: 'A person with an account. You can only ever see yourself.',
  id: { field: 'id' },
  nullable: true,
  // A node lookup only ever finds the caller: any other id looks up an id no row has.
  findUnique: (id, context) => ({ id: id === context.viewer?.userId ? id : NIL_UUID }),
  fields: (t) => ({
    email: t.exposeString('email', { description: 'Sign-in email, trimmed and lower-cased.' }),
    name: t.exposeString('name', { nullable: true, description: 'Display name, if given at signup.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the account was created.' }),
    timeZone: t.exposeString('timeZone', {
      description: 'IANA time zone (default UTC) in which recurring tasks repeat the wall-clock time of their dueAt. Set it with updateProfile.',
    }),
  }),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The signed-in user, or null when the request is anonymous.',
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer ? ctx.prisma.user.findUnique({ ...query, where: { id: ctx.viewer.userId } }) : null,
  }),
);

const AuthPayload = builder.objectRef<auth.AuthResult>('AuthPayload').implement({
  description: 'A signed-in session: send accessToken as `Authorization: Bearer <accessToken>`; trade refreshToken for a new pair before it expires.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', {
      description: 'Short-lived JWT (HS256) for the Authorization header.',
    }),
    refreshToken: t.exposeString('refreshToken', {
      description: 'Opaque, single-use token for `refreshToken`; each use returns a new one. Keep it secret.',
    }),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', {
      type: 'DateTime',
      description: 'When accessToken stops working; refresh before then.',
    }),
    user: t.field({
      type: UserRef,
      description: 'The signed-in user.',
      resolve: (payload, _args, ctx) => {
        // Whoever just proved they are this user reads their rows below, in this request too, even with
        // another account's token still attached (switching accounts). Mutations run one after another, so
        // each payload's subtree is read before the next root field runs.
        ctx.signedInAs = payload.user.id;
        return payload.user;
      },
    }),
  }),
});

const LogoutPayload = builder.objectRef<{ revokedSessions: number }>('LogoutPayload').implement({
  description: 'Result of logout.',
  fields: (t) => ({
    revokedSessions: t.exposeInt('revokedSessions', { description: 'How many sessions this call ended (0 when already ended).' }),
  }),
});

const passwordRule = `${PASSWORD_MIN} to ${PASSWORD_MAX} characters, any Unicode, not trimmed`;

const SignupInput = builder.inputType('SignupInput', {
  description: 'A new account.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'A valid email; trimmed and stored lower-case. Must be unused.' }),
    password: t.string({ required: true, description: `Password: ${passwordRule}.` }),
    name: t.string({ description: 'Optional display name, up to 100 characters.' }),
  }),
});

const LoginInput = builder.inputType('LoginInput', {
  description: 'Credentials of an existing account.',
  fields: (t) => ({
    email: t.string({ required: true, description: 'The account email (case-insensitive).' }),
    password: t.string({ required: true, description: 'The account password.' }),
  }),
});

const RefreshTokenInput = builder.inputType('RefreshTokenInput', {
  description: 'A refresh token to trade for a new token pair.',
  fields: (t) => ({
    refreshToken: t.string({ required: true, description: 'The refreshToken of the latest AuthPayload of the session.' }),
  }),
});

const LogoutInput = builder.inputType('LogoutInput', {
  description: 'Which sessions to end. With neither field, ends the session of the calling access token.',
  fields: (t) => ({
    refreshToken: t.string({ description: 'End the session of this refresh token (works without an access token).' }),
    allSessions: t.boolean({
      defaultValue: false,
      description: 'End every session of the user (all devices); revokes every access token issued so far.',
    }),
  }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  description: 'Current and new password.',
  fields: (t) => ({
    currentPassword: t.string({ required: true, description: 'The password in use now.' }),
    newPassword: t.string({ required: true, description: `The new password: ${passwordRule}.` }),
  }),
});

builder.mutationFields((t) => ({
  signup: t.field({
    type: AuthPayload,
    description: 'Creates an account and signs it in. Errors: ValidationError, EmailTakenError, RateLimitedError.',
    args: { input: t.arg({ type: SignupInput, required: true, description: 'The new account.' }) },
    errors: { types: [ValidationError, EmailTakenError, RateLimitedError], union: { name: 'SignupResult', description: 'Result of signup.' } },
    resolve: (_root, { input }, ctx) => auth.signup(ctx, input),
  }),
  login: t.field({
    type: AuthPayload,
    description: 'Signs in and starts a session. Errors: ValidationError, InvalidCredentialsError, RateLimitedError (each attempt counts, aliases included).',
    args: { input: t.arg({ type: LoginInput, required: true, description: 'The credentials.' }) },
    errors: { types: [ValidationError, InvalidCredentialsError, RateLimitedError], union: { name: 'LoginResult', description: 'Result of login.' } },
    resolve: (_root, { input }, ctx) => auth.login(ctx, input),
  }),
  refreshToken: t.field({
    type: AuthPayload,
    description: 'Trades a refresh token for a new pair (rotation). Re-using an already traded token ends its whole session. Errors: InvalidTokenError.',
    args: { input: t.arg({ type: RefreshTokenInput, required: true, description: 'The refresh token.' }) },
    errors: { types: [InvalidTokenError], union: { name: 'RefreshTokenResult', description: 'Result of refreshToken.' } },
    resolve: (_root, { input }, ctx) => auth.refresh(ctx, input),
  }),
  logout: t.field({
    type: LogoutPayload,
    description: 'Ends sessions: the one of `refreshToken` (works anonymously), else the calling one; `allSessions: true` ends all of the user\'s. Their access tokens stop working at once. Without `refreshToken` it needs sign-in (UNAUTHENTICATED otherwise).',
    args: { input: t.arg({ type: LogoutInput, description: 'Which sessions to end; omit to end the calling session.' }) },
    resolve: (_root, { input }, ctx) => auth.logout(ctx, input ?? {}),
  }),
  changePassword: t.withAuth({ loggedIn: true }).field({
    type: AuthPayload,
    description: 'Changes the password, ends every session of the user (this one too) and returns a fresh pair. Requires sign-in. Errors: ValidationError, InvalidCredentialsError (wrong currentPassword), RateLimitedError.',
    args: { input: t.arg({ type: ChangePasswordInput, required: true, description: 'Current and new password.' }) },
    errors: { types: [ValidationError, InvalidCredentialsError, RateLimitedError], union: { name: 'ChangePasswordResult', description: 'Result of changePassword.' } },
    resolve: (_root, { input }, ctx) => auth.changePassword(ctx, input),
  }),
}));

const UserPayload = builder.objectRef<{ user: auth.AuthResult['user'] }>('UserPayload').implement({
  description: 'The signed-in user after the mutation.',
  fields: (t) => ({ user: t.field({ type: UserRef, description: 'The user.', resolve: (payload) => payload.user }) }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  description: 'Changes to your profile: only the fields given change.',
  fields: (t) => ({
    name: t.string({ description: 'Display name, up to 100 characters (trimmed); null or empty clears it.' }),
    timeZone: t.string({ description: 'IANA time zone such as "Europe/Berlin" or "UTC" (case-insensitive; stored canonical). Cannot be null.' }),
  }),
});

builder.mutationField('updateProfile', (t) =>
  t.withAuth({ loggedIn: true }).field({
    type: UserPayload,
    description: 'Changes your display name or time zone. Requires sign-in. Errors: ValidationError.',
    args: { input: t.arg({ type: UpdateProfileInput, required: true, description: 'The changes.' }) },
    errors: { types: [ValidationError], union: { name: 'UpdateProfileResult', description: 'Result of updateProfile.' } },
    resolve: async (_root, { input }, ctx) => ({ user: await updateProfile(ctx, input) }),
  }),
);
