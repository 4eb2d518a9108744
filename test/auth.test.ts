// Accounts and sessions through the public GraphQL API: signup, login, refreshToken, logout,
// changePassword, Query.me, access-token checking, and how passwords and refresh tokens are stored.
// Rate limiting lives in auth-rate-limit.test.ts (it needs apps with small limits).
import argon2 from 'argon2';
import jwt from 'jsonwebtoken';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, TEST_JWT_SECRET, uniqueEmail, type GqlResponse, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());
afterEach(() => {
  vi.restoreAllMocks();
});

// ---- GraphQL operations ----

const PAYLOAD = `
  __typename
  ... on AuthPayload { accessToken refreshToken accessTokenExpiresAt user { id email name } }
  ... on Error { message }
`;
const FAILURES = `
  ... on ValidationError { fieldErrors { path message } }
  ... on RateLimitedError { retryAfterSeconds }
`;
const SIGNUP = `mutation ($input: SignupInput!) { signup(input: $input) { ${PAYLOAD} ${FAILURES} } }`;
const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { ${PAYLOAD} ${FAILURES} } }`;
const REFRESH = `mutation ($input: RefreshTokenInput!) { refreshToken(input: $input) { ${PAYLOAD} } }`;
const LOGOUT = `mutation ($input: LogoutInput) { logout(input: $input) { revokedSessions } }`;
const CHANGE_PASSWORD = `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { ${PAYLOAD} ${FAILURES} } }`;
const ME = `{ me { id email name createdAt } }`;

interface Payload {
  __typename: string;
  message?: string;
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: string;
  user: { id: string; email: string; name: string | null };
  fieldErrors?: { path: string[]; message: string }[];
  retryAfterSeconds?: number;
}

/** Runs a mutation that must answer without GraphQL errors; returns its result union member. */
async function mutate(query: string, field: string, input: unknown, token?: string): Promise<Payload> {
  const res = await t.gql(query, { input }, { token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data[field];
}

const signup = (input: { email: string; password: string; name?: string | null }) => mutate(SIGNUP, 'signup', input);
const login = (email: string, password: string) => mutate(LOGIN, 'login', { email, password });
const refresh = (refreshToken: string) => mutate(REFRESH, 'refreshToken', { refreshToken });
const changePassword = (token: string, currentPassword: string, newPassword: string) =>
  mutate(CHANGE_PASSWORD, 'changePassword', { currentPassword, newPassword }, token);
async function logout(input: { refreshToken?: string; allSessions?: boolean } | undefined, token?: string) {
  const res = await t.gql(LOGOUT, { input }, { token });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data.logout.revokedSessions as number;
}

/** Query.me with exactly this Authorization header. */
const meWith = (headers: Record<string, string>) => t.gql(ME, undefined, { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function expectAuthorized(token: string, email: string) {
  const res = await meWith(bearer(token));
  expect(res.status).toBe(200);
  expect(res.errors).toBeUndefined();
  expect(res.data.me.email).toBe(email);
}

function expectRejected(res: GqlResponse) {
  expect(res.status).toBe(401);
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
  expect(res.data ?? null).toBeNull();
}
const expectTokenRejected = async (token: string) => expectRejected(await meWith(bearer(token)));

function expectValidationError(result: Payload, ...paths: string[][]) {
  expect(result.__typename).toBe('ValidationError');
  expect(result.message).toBeTruthy();
  expect(result.fieldErrors!.map((e) => e.path)).toEqual(paths);
  for (const error of result.fieldErrors!) expect(error.message).toBeTruthy();
}

async function newAccount(password = 'correct horse battery') {
  const email = uniqueEmail('auth');
  const result = await signup({ email, password });
  expect(result.__typename).toBe('AuthPayload');
  return { email, password, ...result };
}

const userRow = (email: string) => t.database.db.prisma.user.findUniqueOrThrow({ where: { email } });

// ---- signup, login, me ----

describe('signup', () => {
  it('creates an account and returns a working token pair', async () => {
    const email = uniqueEmail('signup');
    const before = Date.now();
    const result = await signup({ email, password: 'correct horse battery', name: 'Ada' });

    expect(result.__typename).toBe('AuthPayload');
    expect(result.user).toMatchObject({ email, name: 'Ada' });
    expect(result.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(result.refreshToken).not.toBe(result.accessToken);
    const expiresAt = Date.parse(result.accessTokenExpiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 15 * 60_000 - 2_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 1_000);

    const me = await meWith(bearer(result.accessToken));
    expect(me.data.me).toMatchObject({ id: result.user.id, email, name: 'Ada' });
    expect(new Date(me.data.me.createdAt).getTime()).toBeGreaterThan(before - 5_000);
  });

  it('trims and lower-cases the email, so any spelling of it logs in and is taken', async () => {
    const local = uniqueEmail('Mixed').split('@')[0]!;
    const result = await signup({ email: `  ${local.toUpperCase()}@Example.COM  `, password: 'correct horse battery' });
    expect(result.__typename).toBe('AuthPayload');
    const stored = `${local.toLowerCase()}@example.com`;
    expect(result.user.email).toBe(stored);
    expect((await userRow(stored)).email).toBe(stored);

    expect((await login(stored, 'correct horse battery')).__typename).toBe('AuthPayload');
    expect((await login(` ${local.toUpperCase()}@EXAMPLE.com`, 'correct horse battery')).__typename).toBe('AuthPayload');

    const again = await signup({ email: stored, password: 'another password' });
    expect(again.__typename).toBe('EmailTakenError');
    expect(again.message).toBeTruthy();
  });

  it('rejects an invalid email and an out-of-range password with field paths', async () => {
    expectValidationError(await signup({ email: 'not-an-email', password: 'correct horse battery' }), ['input', 'email']);
    expectValidationError(await signup({ email: '   ', password: 'correct horse battery' }), ['input', 'email']);
    expectValidationError(await signup({ email: uniqueEmail(), password: '1234567' }), ['input', 'password']);
    expectValidationError(await signup({ email: uniqueEmail(), password: 'x'.repeat(129) }), ['input', 'password']);
    expectValidationError(await signup({ email: uniqueEmail(), password: 'correct horse battery', name: 'n'.repeat(101) }), [
      'input',
      'name',
    ]);
    const both = await signup({ email: 'nope', password: 'short' });
    expectValidationError(both, ['input', 'email'], ['input', 'password']);
  });

  it('accepts passwords of exactly 8 and 128 characters', async () => {
    expect((await signup({ email: uniqueEmail(), password: '12345678' })).__typename).toBe('AuthPayload');
    expect((await signup({ email: uniqueEmail(), password: 'x'.repeat(128) })).__typename).toBe('AuthPayload');
  });

  it('counts Unicode characters, not UTF-16 units', async () => {
    const emoji = '🔑'; // one character, two UTF-16 units
    // 7 characters (14 UTF-16 units) is too short, 128 (256 units) is fine, 129 is too long.
    expectValidationError(await signup({ email: uniqueEmail(), password: emoji.repeat(7) }), ['input', 'password']);
    expectValidationError(await signup({ email: uniqueEmail(), password: emoji.repeat(129) }), ['input', 'password']);

    const email = uniqueEmail('unicode');
    const password = emoji.repeat(128);
    expect((await signup({ email, password })).__typename).toBe('AuthPayload');
    expect((await login(email, password)).__typename).toBe('AuthPayload');
    expect((await login(email, emoji.repeat(127))).__typename).toBe('InvalidCredentialsError');

    const accented = uniqueEmail('accented');
    expect((await signup({ email: accented, password: 'pässwörd' })).__typename).toBe('AuthPayload');
    expect((await login(accented, 'pässwörd')).__typename).toBe('AuthPayload');
  });

  it('does not trim the password', async () => {
    const email = uniqueEmail('spaces');
    // 11 characters as given, only 7 once trimmed: accepted, and only the exact string logs in.
    expect((await signup({ email, password: '  secret7  ' })).__typename).toBe('AuthPayload');
    expect((await login(email, '  secret7  ')).__typename).toBe('AuthPayload');
    expect((await login(email, 'secret7')).__typename).toBe('InvalidCredentialsError');
  });

  it('rejects a 1 MB password quickly, before anything is hashed', async () => {
    const hash = vi.spyOn(argon2, 'hash');
    const verify = vi.spyOn(argon2, 'verify');
    const huge = 'p'.repeat(1024 * 1024);
    const { email } = await newAccount();
    hash.mockClear();

    const started = performance.now();
    expectValidationError(await signup({ email: uniqueEmail(), password: huge }), ['input', 'password']);
    expectValidationError(await login(email, huge), ['input', 'password']);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(hash).not.toHaveBeenCalled();
    expect(verify).not.toHaveBeenCalled();
  });

  it('lets exactly one of concurrent signups with the same email win', async () => {
    const email = uniqueEmail('race');
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) => t.gql(SIGNUP, { input: { email, password: `password number ${i}` } })),
    );
    for (const res of responses) expect(res.errors).toBeUndefined();
    const kinds = responses.map((res) => res.data.signup.__typename).sort();
    expect(kinds).toEqual(['AuthPayload', 'EmailTakenError', 'EmailTakenError', 'EmailTakenError', 'EmailTakenError']);
    expect(await t.database.db.prisma.user.count({ where: { email } })).toBe(1);
  });
});

describe('login', () => {
  it('starts a new session with its own token pair', async () => {
    const account = await newAccount();
    const result = await login(account.email, account.password);
    expect(result.__typename).toBe('AuthPayload');
    expect(result.user).toEqual(account.user);
    expect(result.refreshToken).not.toBe(account.refreshToken);
    await expectAuthorized(result.accessToken, account.email);
    // Both sessions live side by side.
    await expectAuthorized(account.accessToken, account.email);
    const { id } = await userRow(account.email);
    expect(await t.database.db.prisma.session.count({ where: { userId: id, revokedAt: null } })).toBe(2);
  });

  it('gives the same InvalidCredentialsError for an unknown email and a wrong password, after the same work', async () => {
    const account = await newAccount();
    const verify = vi.spyOn(argon2, 'verify');

    const unknown = await login(uniqueEmail('nobody'), account.password);
    const unknownVerifies = verify.mock.calls.length;
    const wrong = await login(account.email, 'wrong password!');
    const wrongVerifies = verify.mock.calls.length - unknownVerifies;

    expect(unknown.__typename).toBe('InvalidCredentialsError');
    expect(wrong.__typename).toBe('InvalidCredentialsError');
    expect(unknown.message).toBe(wrong.message);
    expect(unknown.message).toBeTruthy();
    // An unknown email still runs one argon2 verification, like a wrong password does.
    expect(unknownVerifies).toBe(1);
    expect(wrongVerifies).toBe(1);
  });

  it('rejects an invalid email and an empty password with field paths', async () => {
    expectValidationError(await login('not-an-email', 'whatever password'), ['input', 'email']);
    expectValidationError(await login(uniqueEmail(), ''), ['input', 'password']);
  });
});

describe('Query.me and anonymous requests', () => {
  it('is null without an Authorization header, and task fields say UNAUTHENTICATED', async () => {
    const me = await t.gql(ME);
    expect(me.status).toBe(200);
    expect(me.errors).toBeUndefined();
    expect(me.data).toEqual({ me: null });

    const tasks = await t.gql('{ tasks(first: 1) { totalCount } }');
    expect(tasks.errors).toHaveLength(1);
    expect(tasks.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
    expect(tasks.errors![0]!.path).toEqual(['tasks']);
    expect(tasks.data ?? null).toBeNull();
  });

  it('returns the signed-in user, whose tasks are reachable', async () => {
    const account = await newAccount();
    const res = await t.gql('{ me { id email } tasks(first: 1) { totalCount } }', undefined, { token: account.accessToken });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ me: { id: account.user.id, email: account.email }, tasks: { totalCount: 0 } });
  });
});

// ---- access tokens ----

describe('access tokens', () => {
  let account: Awaited<ReturnType<typeof newAccount>>;
  let claims: jwt.JwtPayload;
  beforeAll(async () => {
    account = await newAccount();
    claims = jwt.decode(account.accessToken, { json: true })!;
  });

  /** A token signed like the server's, with some claims changed (undefined = left out). */
  function forge(changes: jwt.JwtPayload = {}, secret: string = TEST_JWT_SECRET, algorithm: jwt.Algorithm = 'HS256') {
    const payload = Object.fromEntries(Object.entries({ ...claims, ...changes }).filter(([, value]) => value !== undefined));
    return jwt.sign(payload, secret, { algorithm, noTimestamp: !('iat' in payload) });
  }
  const now = () => Math.floor(Date.now() / 1000);

  it('is an HS256 JWT with sub, iat, exp, iss and aud', async () => {
    const decoded = jwt.decode(account.accessToken, { complete: true })!;
    expect(decoded.header.alg).toBe('HS256');
    const { id } = await userRow(account.email);
    expect(claims.sub).toBe(id);
    expect(claims.iss).toBe(t.config.JWT_ISSUER);
    expect(claims.aud).toBe(t.config.JWT_AUDIENCE);
    expect(claims.iat).toBeGreaterThan(now() - 60);
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
    expect(Date.parse(account.accessTokenExpiresAt)).toBe(claims.exp! * 1000);
    // Verifies with the UTF-8 bytes of JWT_SECRET.
    expect(() => jwt.verify(account.accessToken, Buffer.from(TEST_JWT_SECRET, 'utf8'), { algorithms: ['HS256'] })).not.toThrow();
  });

  it('accepts a token forged with the right key and claims (control for the cases below)', async () => {
    await expectAuthorized(forge({ iat: now() - 10, exp: now() + 60 }), account.email);
  });

  it('rejects a token with alg "none"', async () => {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    await expectTokenRejected(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`);
    await expectTokenRejected(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}`);
  });

  it('rejects a token signed with another key or another algorithm', async () => {
    await expectTokenRejected(forge({}, 'a-different-secret-that-is-also-long-enough-000'));
    await expectTokenRejected(forge({}, TEST_JWT_SECRET, 'HS512'));
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const [header, , signature] = account.accessToken.split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp! + 3600 })).toString('base64url');
    await expectTokenRejected(`${header}.${payload}.${signature}`);
  });

  it('rejects an expired token', async () => {
    await expectTokenRejected(forge({ iat: now() - 3600, exp: now() - 60 }));
  });

  it('rejects a token without exp or iat', async () => {
    await expectTokenRejected(forge({ exp: undefined }));
    await expectTokenRejected(forge({ iat: undefined }));
  });

  it('rejects a token that is not valid yet', async () => {
    await expectTokenRejected(forge({ nbf: now() + 3600 }));
  });

  it('rejects a token for another audience or from another issuer', async () => {
    await expectTokenRejected(forge({ aud: 'someone-else' }));
    await expectTokenRejected(forge({ iss: 'someone-else' }));
    await expectTokenRejected(forge({ aud: undefined }));
    await expectTokenRejected(forge({ iss: undefined }));
  });

  it('rejects a token naming another user or no user', async () => {
    const other = await newAccount();
    await expectTokenRejected(forge({ sub: (await userRow(other.email)).id }));
    await expectTokenRejected(forge({ sub: undefined }));
  });

  it('rejects a refresh token, garbage and other schemes', async () => {
    await expectTokenRejected(account.refreshToken);
    await expectTokenRejected('abc');
    expectRejected(await meWith({ authorization: `Basic ${account.accessToken}` }));
    expectRejected(await meWith({ authorization: `Token ${account.accessToken}` }));
    expectRejected(await meWith({ authorization: account.accessToken }));
    expectRejected(await meWith({ authorization: 'Bearer' }));
    expectRejected(await meWith({ authorization: 'Bearer ' }));
    // The real token still works: the rejections above are about the header, not the account.
    await expectAuthorized(account.accessToken, account.email);
  });

  it('takes an empty Authorization header as none: the request runs anonymously', async () => {
    // Apollo's documented auth link sends `authorization: ""` when signed out.
    for (const authorization of ['', '  ']) {
      const me = await meWith({ authorization });
      expect(me.status).toBe(200);
      expect(me.errors).toBeUndefined();
      expect(me.data).toEqual({ me: null });
      const email = uniqueEmail('empty-header');
      const res = await t.gql(SIGNUP, { input: { email, password: 'correct horse battery' } }, { headers: { authorization } });
      expect(res.status).toBe(200);
      expect(res.data.signup.__typename).toBe('AuthPayload');
    }
  });

  it('rejects the whole request, even an anonymous-friendly mutation, instead of running it anonymously', async () => {
    const email = uniqueEmail('never');
    const res = await t.gql(SIGNUP, { input: { email, password: 'correct horse battery' } }, { headers: bearer('abc') });
    expectRejected(res);
    expect(await t.database.db.prisma.user.count({ where: { email } })).toBe(0);
  });

  it('rejects the request before reading its body: an invalid document or body is still 401', async () => {
    const session = await newAccount();
    await logout(undefined, session.accessToken);
    for (const token of ['abc', session.accessToken]) {
      expectRejected(await t.gql('{ me { nosuchfield } }', undefined, { headers: bearer(token) }));
      expectRejected(await t.gql('{ me { id }', undefined, { headers: bearer(token) }));
      const res = await t.fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: '{"query": ' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const get = await t.fetch(`/graphql?query=${encodeURIComponent('{ me { id } }')}`, { headers: { accept: 'application/graphql-response+json', ...bearer(token) } });
      expect(get.status).toBe(401);
      expect(get.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    }
  });

  it('honours ACCESS_TOKEN_TTL_SECONDS, and an expired session ends its tokens', async () => {
    const short = await startTestApp({ env: { ACCESS_TOKEN_TTL_SECONDS: '60', SESSION_TTL_SECONDS: '2' } });
    try {
      const { accessToken, refreshToken } = await short.signup();
      const decoded = jwt.decode(accessToken, { json: true })!;
      expect(decoded.exp! - decoded.iat!).toBe(60);

      const me = () => short.gql('{ me { id } }', undefined, { token: accessToken });
      expect((await me()).data.me).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      expectRejected(await me());
      const res = await short.gql(REFRESH, { input: { refreshToken } });
      expect(res.data.refreshToken.__typename).toBe('InvalidTokenError');
    } finally {
      await short.close();
    }
  });
});

// ---- refresh rotation ----

describe('refreshToken', () => {
  it('rotates: returns a new pair that works, for the same session', async () => {
    const account = await newAccount();
    const rotated = await refresh(account.refreshToken);
    expect(rotated.__typename).toBe('AuthPayload');
    expect(rotated.user).toEqual(account.user);
    expect(rotated.refreshToken).not.toBe(account.refreshToken);
    await expectAuthorized(rotated.accessToken, account.email);
    expect(jwt.decode(rotated.accessToken, { json: true })!.sid).toBe(jwt.decode(account.accessToken, { json: true })!.sid);

    const again = await refresh(rotated.refreshToken);
    expect(again.__typename).toBe('AuthPayload');
    await expectAuthorized(again.accessToken, account.email);
  });

  it('detects reuse of a rotated token and ends the whole session', async () => {
    const account = await newAccount();
    const other = await login(account.email, account.password); // another session of the same user
    const rotated = await refresh(account.refreshToken);
    expect(rotated.__typename).toBe('AuthPayload');

    const reused = await refresh(account.refreshToken);
    expect(reused.__typename).toBe('InvalidTokenError');
    expect(reused.message).toBeTruthy();

    // The token from the rotation dies with its session, and so do the session's access tokens.
    expect((await refresh(rotated.refreshToken)).__typename).toBe('InvalidTokenError');
    await expectTokenRejected(rotated.accessToken);
    await expectTokenRejected(account.accessToken);
    // Other sessions of the user are untouched.
    await expectAuthorized(other.accessToken, account.email);
    expect((await refresh(other.refreshToken)).__typename).toBe('AuthPayload');
  });

  it('rejects unknown, empty and oversized tokens', async () => {
    expect((await refresh('not-a-real-refresh-token')).__typename).toBe('InvalidTokenError');
    expect((await refresh('')).__typename).toBe('InvalidTokenError');
    expect((await refresh('x'.repeat(10_000))).__typename).toBe('InvalidTokenError');
  });
});

// ---- logout ----

describe('logout', () => {
  it('ends the session of a refresh token, anonymously', async () => {
    const account = await newAccount();
    const other = await login(account.email, account.password);

    expect(await logout({ refreshToken: account.refreshToken })).toBe(1);
    expect(await logout({ refreshToken: account.refreshToken })).toBe(0);

    await expectTokenRejected(account.accessToken);
    expect((await refresh(account.refreshToken)).__typename).toBe('InvalidTokenError');
    await expectAuthorized(other.accessToken, account.email);
  });

  it('ends the calling session when given no input', async () => {
    const account = await newAccount();
    const other = await login(account.email, account.password);

    expect(await logout(undefined, account.accessToken)).toBe(1);
    await expectTokenRejected(account.accessToken);
    expect((await refresh(account.refreshToken)).__typename).toBe('InvalidTokenError');
    await expectAuthorized(other.accessToken, account.email);

    // Anonymous without a refresh token: there is no session to name, so sign-in is required.
    for (const input of [undefined, {}, { allSessions: true }]) {
      const res = await t.gql(LOGOUT, { input });
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(res.data).toBeNull();
    }
  });

  it('ends every session of the user with allSessions: true', async () => {
    const account = await newAccount();
    expect(await logout({ refreshToken: account.refreshToken })).toBe(1); // the signup session
    const first = await login(account.email, account.password);
    const second = await login(account.email, account.password);
    const stranger = await newAccount();

    expect(await logout({ allSessions: true }, first.accessToken)).toBe(2);
    await expectTokenRejected(first.accessToken);
    await expectTokenRejected(second.accessToken);
    expect((await refresh(first.refreshToken)).__typename).toBe('InvalidTokenError');
    expect((await refresh(second.refreshToken)).__typename).toBe('InvalidTokenError');
    await expectAuthorized(stranger.accessToken, stranger.email);

    // Signing in again starts a session that works.
    const fresh = await login(account.email, account.password);
    await expectAuthorized(fresh.accessToken, account.email);
  });

  it('ends every session anonymously only with a live refresh token, not a used one', async () => {
    const account = await newAccount();
    const rotated = await refresh(account.refreshToken);
    const other = await login(account.email, account.password);

    // The used (rotated) token cannot sign the user out everywhere.
    expect(await logout({ refreshToken: account.refreshToken, allSessions: true })).toBe(0);
    await expectAuthorized(other.accessToken, account.email);
    await expectAuthorized(rotated.accessToken, account.email);

    expect(await logout({ refreshToken: rotated.refreshToken, allSessions: true })).toBe(2);
    await expectTokenRejected(other.accessToken);
    await expectTokenRejected(rotated.accessToken);
  });
});

// ---- changePassword ----

describe('changePassword', () => {
  it('rejects a wrong current password and changes nothing', async () => {
    const account = await newAccount();
    const result = await changePassword(account.accessToken, 'not my password', 'a brand new password');
    expect(result.__typename).toBe('InvalidCredentialsError');
    expect(result.message).toBeTruthy();
    await expectAuthorized(account.accessToken, account.email);
    expect((await login(account.email, account.password)).__typename).toBe('AuthPayload');
  });

  it('validates the new password', async () => {
    const account = await newAccount();
    expectValidationError(await changePassword(account.accessToken, account.password, 'short'), ['input', 'newPassword']);
    expectValidationError(await changePassword(account.accessToken, account.password, account.password), ['input', 'newPassword']);
    expectValidationError(await changePassword(account.accessToken, account.password, 'y'.repeat(129)), ['input', 'newPassword']);
    expectValidationError(await changePassword(account.accessToken, 'p'.repeat(1024 * 1024), 'a brand new password'), [
      'input',
      'currentPassword',
    ]);
    await expectAuthorized(account.accessToken, account.email);
    expect((await login(account.email, account.password)).__typename).toBe('AuthPayload');
  });

  it('ends every session, returns a fresh working pair, and swaps the password', async () => {
    const account = await newAccount();
    const other = await login(account.email, account.password);
    const newPassword = 'a brand new password';

    const result = await changePassword(account.accessToken, account.password, newPassword);
    expect(result.__typename).toBe('AuthPayload');
    expect(result.user).toEqual(account.user);
    await expectAuthorized(result.accessToken, account.email);

    await expectTokenRejected(account.accessToken);
    await expectTokenRejected(other.accessToken);
    expect((await refresh(account.refreshToken)).__typename).toBe('InvalidTokenError');
    expect((await refresh(other.refreshToken)).__typename).toBe('InvalidTokenError');

    expect((await login(account.email, account.password)).__typename).toBe('InvalidCredentialsError');
    expect((await login(account.email, newPassword)).__typename).toBe('AuthPayload');
    // The new pair is a normal session: it refreshes.
    const rotated = await refresh(result.refreshToken);
    expect(rotated.__typename).toBe('AuthPayload');
    await expectAuthorized(rotated.accessToken, account.email);
  });

  it('requires sign-in', async () => {
    const res = await t.gql(CHANGE_PASSWORD, { input: { currentPassword: 'whatever pw', newPassword: 'a brand new password' } });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.errors![0]!.path).toEqual(['changePassword']);
    expect(res.data ?? null).toBeNull();
  });
});

// ---- storage ----

describe('storage', () => {
  it('keeps only an argon2id hash of the password and a hash of each refresh token', async () => {
    const password = 'plain text must never be stored';
    const account = await newAccount(password);
    const user = await userRow(account.email);
    expect(user.passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(user.passwordHash).toMatch(/\$m=19456,p=1,t=2\$/);
    expect(user.passwordHash).not.toContain(password);
    expect(await argon2.verify(user.passwordHash, password)).toBe(true);

    const tokens = await t.database.db.prisma.refreshToken.findMany({ where: { session: { userId: user.id } } });
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.tokenHash).not.toBe(account.refreshToken);
    expect(tokens[0]!.tokenHash).not.toContain(account.refreshToken);
    expect(tokens[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);

    // Nothing in any row of these tables holds the password or the refresh token.
    for (const table of ['users', 'sessions', 'refresh_tokens']) {
      const rows = await t.database.db.sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${table} t`);
      expect(rows.length).toBeGreaterThan(0);
      for (const { row } of rows) {
        expect(row).not.toContain(password);
        expect(row).not.toContain(account.refreshToken);
      }
    }
  });

  it('upgrades a hash made with weaker argon2 parameters at the next login', async () => {
    const email = uniqueEmail('legacy');
    const password = 'an old-fashioned password';
    const weak = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await t.database.db.prisma.user.create({ data: { email, passwordHash: weak } });

    const result = await login(email, password);
    expect(result.__typename).toBe('AuthPayload');
    await expectAuthorized(result.accessToken, email);

    const { passwordHash } = await userRow(email);
    expect(passwordHash).not.toBe(weak);
    expect(passwordHash.startsWith('$argon2id$')).toBe(true);
    expect(passwordHash).toContain('m=19456');
    expect(await argon2.verify(passwordHash, password)).toBe(true);
    expect((await login(email, password)).__typename).toBe('AuthPayload');
  });
});

describe('remembering live sessions (SESSION_CACHE_SECONDS)', () => {
  const sessionChecks = (queries: string[]) => queries.filter((sql) => sql.includes('FROM "sessions" s JOIN "users" u')).length;

  it('a second request with the same access token asks the database nothing about its session', async () => {
    const { accessToken } = await t.signup();
    expect((await t.gql('{ me { id } }', undefined, { token: accessToken })).status).toBe(200);
    const recording = t.database.recordQueries();
    const res = await t.gql('{ me { id } }', undefined, { token: accessToken });
    recording.stop();
    expect(res.status).toBe(200);
    expect(sessionChecks(recording.queries)).toBe(0);
  });

  it('logout, a reused refresh token and a change of password end remembered sessions at once', async () => {
    const status = async (token: string) => (await t.gql('{ me { id } }', undefined, { token })).status;
    const user = await t.signup();
    expect(await status(user.accessToken)).toBe(200);
    await t.gql('mutation { logout { revokedSessions } }', undefined, { token: user.accessToken });
    expect(await status(user.accessToken)).toBe(401);

    // A reused refresh token ends its session.
    const second = await t.gql(LOGIN, { input: { email: user.email, password: user.password } });
    const { accessToken, refreshToken } = second.data.login;
    expect(await status(accessToken)).toBe(200);
    const rotated = await t.gql(`mutation ($input: RefreshTokenInput!) { refreshToken(input: $input) { ${PAYLOAD} } }`, { input: { refreshToken } });
    expect(rotated.data.refreshToken.__typename).toBe('AuthPayload');
    const newAccess = rotated.data.refreshToken.accessToken as string;
    expect(await status(newAccess)).toBe(200);
    await t.gql(`mutation ($input: RefreshTokenInput!) { refreshToken(input: $input) { ${PAYLOAD} } }`, { input: { refreshToken } });
    expect(await status(newAccess)).toBe(401);

    // A change of password ends every other session.
    const third = (await t.gql(LOGIN, { input: { email: user.email, password: user.password } })).data.login;
    const fourth = (await t.gql(LOGIN, { input: { email: user.email, password: user.password } })).data.login;
    expect(await status(third.accessToken)).toBe(200);
    expect(await status(fourth.accessToken)).toBe(200);
    const changed = await t.gql(
      `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { ${PAYLOAD} } }`,
      { input: { currentPassword: user.password, newPassword: 'a brand new password' } },
      { token: third.accessToken },
    );
    expect(changed.data.changePassword.__typename).toBe('AuthPayload');
    expect(await status(third.accessToken)).toBe(401);
    expect(await status(fourth.accessToken)).toBe(401);
  });

  it('with SESSION_CACHE_SECONDS=0 every request checks its session', async () => {
    const off = await startTestApp({ env: { SESSION_CACHE_SECONDS: '0' } });
    try {
      const { accessToken } = await off.signup();
      expect((await off.gql('{ me { id } }', undefined, { token: accessToken })).status).toBe(200);
      const recording = off.database.recordQueries();
      expect((await off.gql('{ me { id } }', undefined, { token: accessToken })).status).toBe(200);
      recording.stop();
      expect(sessionChecks(recording.queries)).toBe(1);
    } finally {
      await off.close();
    }
  });
});
