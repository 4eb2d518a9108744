// Throttling of credential checks (login, signup, changePassword) per account and per client address
// (X-Forwarded-For behind proxies, over HTTP and graphql-ws), through the public GraphQL API of apps started
// with small limits.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import argon2 from 'argon2';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { attachWebSocket } from '../src/live/websocket.ts';
import { startTestApp, uniqueEmail, type TestApp } from './helpers/app.ts';

const WINDOW_SECONDS = 60;

// Three failures per account are allowed; the address limit is out of the way.
let accounts: TestApp;
// Three failures per address are allowed; TRUST_PROXY lets each test be its own address (X-Forwarded-For).
let addresses: TestApp;
beforeAll(async () => {
  [accounts, addresses] = await Promise.all([
    startTestApp({ rateLimits: { perAccount: 3, perAddress: 1000, windowSeconds: WINDOW_SECONDS } }),
    startTestApp({
      env: { TRUST_PROXY: 'true' },
      rateLimits: { perAccount: 1000, perAddress: 3, windowSeconds: WINDOW_SECONDS },
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([accounts?.close(), addresses?.close()]);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const RESULT = `
  __typename
  ... on AuthPayload { accessToken }
  ... on Error { message }
  ... on RateLimitedError { retryAfterSeconds }
`;

interface Result {
  __typename: string;
  message?: string;
  accessToken?: string;
  retryAfterSeconds?: number;
}

let addressCounter = 0;
const newAddress = () => `203.0.113.${++addressCounter}`;

async function run(app: TestApp, query: string, variables: Record<string, unknown>, options: { token?: string; address?: string } = {}) {
  const res = await app.gql(query, variables, {
    token: options.token,
    headers: options.address ? { 'x-forwarded-for': options.address } : {},
  });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

const login = async (app: TestApp, email: string, password: string, address?: string): Promise<Result> =>
  (await run(app, `mutation ($input: LoginInput!) { login(input: $input) { ${RESULT} } }`, { input: { email, password } }, { address }))
    .login;
const signup = async (app: TestApp, email: string, password: string, address?: string): Promise<Result> =>
  (await run(app, `mutation ($input: SignupInput!) { signup(input: $input) { ${RESULT} } }`, { input: { email, password } }, { address }))
    .signup;
const changePassword = async (app: TestApp, token: string, currentPassword: string, newPassword: string): Promise<Result> =>
  (
    await run(
      app,
      `mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { ${RESULT} } }`,
      { input: { currentPassword, newPassword } },
      { token },
    )
  ).changePassword;

const kinds = (results: Result[]) => results.map((result) => result.__typename);

function expectRateLimited(result: Result) {
  expect(result.__typename).toBe('RateLimitedError');
  expect(result.message).toBeTruthy();
  expect(result.retryAfterSeconds).toBeGreaterThan(0);
  expect(result.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_SECONDS);
}

describe('per account', () => {
  it('answers RateLimitedError after repeated wrong passwords, even for the right one, before hashing', async () => {
    const { email, password } = await accounts.signup();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await login(accounts, email, 'wrong password'));
    expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);

    const verify = vi.spyOn(argon2, 'verify');
    expectRateLimited(await login(accounts, email, 'wrong password'));
    // The same account under another spelling of its email, and with the right password, is still locked.
    expectRateLimited(await login(accounts, `  ${email.toUpperCase()}`, password));
    expect(verify).not.toHaveBeenCalled();

    // Other accounts are not affected.
    const other = await accounts.signup();
    expect((await login(accounts, other.email, other.password)).__typename).toBe('AuthPayload');
  });

  it('counts each aliased login of one request', async () => {
    const { email } = await accounts.signup();
    const aliases = [1, 2, 3, 4, 5].map((i) => `a${i}: login(input: { email: $email, password: "wrong password ${i}" }) { ${RESULT} }`);
    const data = await run(accounts, `mutation ($email: String!) { ${aliases.join('\n')} }`, { email });

    expect(kinds([data.a1, data.a2, data.a3])).toEqual([
      'InvalidCredentialsError',
      'InvalidCredentialsError',
      'InvalidCredentialsError',
    ]);
    expectRateLimited(data.a4);
    expectRateLimited(data.a5);
  });

  it('counts concurrent attempts', async () => {
    const { email } = await accounts.signup();
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => login(accounts, email, `wrong password ${i}`)));
    expect(kinds(results).filter((kind) => kind === 'InvalidCredentialsError')).toHaveLength(3);
    expect(kinds(results).filter((kind) => kind === 'RateLimitedError')).toHaveLength(2);
  });

  it('counts attempts on an unknown email the same way', async () => {
    const email = uniqueEmail('ghost');
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await login(accounts, email, 'any password'));
    expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);
    expectRateLimited(await login(accounts, email, 'any password'));
  });

  it('starts counting afresh after a successful login', async () => {
    const { email, password } = await accounts.signup();
    expect(kinds([await login(accounts, email, 'wrong 1'), await login(accounts, email, 'wrong 2')])).toEqual([
      'InvalidCredentialsError',
      'InvalidCredentialsError',
    ]);
    expect((await login(accounts, email, password)).__typename).toBe('AuthPayload');

    const results = [];
    for (let i = 0; i < 3; i++) results.push(await login(accounts, email, `wrong again ${i}`));
    expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);
    expectRateLimited(await login(accounts, email, 'wrong once more'));
  });

  it('counts a duplicate signup (EmailTakenError) as a failure', async () => {
    const { email, password } = await accounts.signup();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await signup(accounts, email, `another password ${i}`));
    expect(kinds(results)).toEqual(['EmailTakenError', 'EmailTakenError', 'EmailTakenError']);
    expectRateLimited(await signup(accounts, email, 'another password'));
    // It is the account's counter: login is locked too.
    expectRateLimited(await login(accounts, email, password));
  });

  it('counts wrong current passwords of changePassword', async () => {
    const { email, accessToken } = await accounts.signup();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await changePassword(accounts, accessToken, `wrong current ${i}`, 'a brand new password'));
    expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);
    expectRateLimited(await changePassword(accounts, accessToken, 'wrong current', 'a brand new password'));
    expectRateLimited(await login(accounts, email, 'wrong password'));
  });
});

describe('per client address', () => {
  it('answers RateLimitedError after failures across different emails from one address', async () => {
    const existing = await addresses.signup();
    const address = newAddress();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await login(addresses, uniqueEmail('spray'), 'some password', address));
    expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);

    expectRateLimited(await login(addresses, uniqueEmail('spray'), 'some password', address));
    expectRateLimited(await login(addresses, existing.email, existing.password, address));
    expectRateLimited(await signup(addresses, uniqueEmail('spray'), 'some password', address));

    // Another address is not affected, and neither is the account itself.
    expect((await login(addresses, existing.email, existing.password, newAddress())).__typename).toBe('AuthPayload');
  });

  it('counts each aliased login of one request, one email each', async () => {
    const address = newAddress();
    const aliases = [1, 2, 3, 4].map(
      (i) => `a${i}: login(input: { email: "${uniqueEmail(`alias${i}`)}", password: "some password" }) { ${RESULT} }`,
    );
    const data = await addresses.gql(`mutation { ${aliases.join('\n')} }`, undefined, { headers: { 'x-forwarded-for': address } });
    expect(data.errors).toBeUndefined();
    expect(kinds([data.data.a1, data.data.a2, data.data.a3])).toEqual([
      'InvalidCredentialsError',
      'InvalidCredentialsError',
      'InvalidCredentialsError',
    ]);
    expectRateLimited(data.data.a4);
  });

  it('takes the address the load balancer saw: a client that sends its own X-Forwarded-For cannot pick a new one', async () => {
    // A balancer that appends puts the address it saw last; what the client sent comes before it.
    const address = newAddress();
    const spoofed = (i: number) => `198.51.100.${i}, ${address}`;
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await login(addresses, uniqueEmail('spoof'), 'some password', spoofed(i)));
    expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);
    expectRateLimited(await login(addresses, uniqueEmail('spoof'), 'some password', spoofed(99)));
    expectRateLimited(await login(addresses, uniqueEmail('spoof'), 'some password', address));
  });

  it('does not count successes against the address', async () => {
    const address = newAddress();
    for (let i = 0; i < 4; i++) {
      expect((await signup(addresses, uniqueEmail('fine'), 'correct horse battery', address)).__typename).toBe('AuthPayload');
    }
    const { email, password } = await addresses.signup();
    for (let i = 0; i < 4; i++) expect((await login(addresses, email, password, address)).__typename).toBe('AuthPayload');

    const results = [];
    for (let i = 0; i < 3; i++) results.push(await login(addresses, email, `wrong ${i}`, address));
    expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);
    expectRateLimited(await login(addresses, email, 'wrong again', address));
  });
});

describe('client address behind proxies and over graphql-ws', () => {
  const loginQuery = `mutation ($input: LoginInput!) { login(input: $input) { ${RESULT} } }`;

  it('with TRUST_PROXY=2 takes the address the outer of two appending proxies saw', async () => {
    const behindTwo = await startTestApp({ env: { TRUST_PROXY: '2' }, rateLimits: { perAccount: 1000, perAddress: 3, windowSeconds: WINDOW_SECONDS } });
    try {
      const address = newAddress();
      // What the client sent, then what the outer proxy saw (the client), then what the inner one saw.
      const chain = (i: number) => `198.51.100.${i}, ${address}, 10.0.0.${i}`;
      const results = [];
      for (let i = 1; i <= 3; i++) results.push(await login(behindTwo, uniqueEmail('chain'), 'some password', chain(i)));
      expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);
      expectRateLimited(await login(behindTwo, uniqueEmail('chain'), 'some password', chain(9)));
      // Another client behind the same proxies is not affected.
      expect((await login(behindTwo, uniqueEmail('chain'), 'some password', `${newAddress()}, 10.0.0.1`)).__typename).toBe('InvalidCredentialsError');
    } finally {
      await behindTwo.close();
    }
  });

  it('counts logins sent over graphql-ws by the X-Forwarded-For of the upgrade request', async () => {
    const server = createServer(addresses.app.yoga);
    const sockets = attachWebSocket(server, addresses.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    const address = newAddress();
    const client = createClient({
      url,
      retryAttempts: 0,
      webSocketImpl: class extends WebSocket {
        constructor(target: string, protocols?: string | string[]) {
          super(target, protocols, { headers: { 'x-forwarded-for': `198.51.100.1, ${address}` } });
        }
      },
    });
    const loginOverWs = (email: string) =>
      new Promise<Result>((resolve, reject) => {
        let result: Result | undefined;
        client.subscribe<{ login: Result }>(
          { query: loginQuery, variables: { input: { email, password: 'some password' } } },
          { next: (value) => void (result = value.data?.login), error: reject, complete: () => (result ? resolve(result) : reject(new Error('no result'))) },
        );
      });
    try {
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await loginOverWs(uniqueEmail('ws')));
      expect(kinds(results)).toEqual(['InvalidCredentialsError', 'InvalidCredentialsError', 'InvalidCredentialsError']);
      expectRateLimited(await loginOverWs(uniqueEmail('ws')));
      // The same address over HTTP shares the count; the test's own socket address does not.
      expectRateLimited(await login(addresses, uniqueEmail('ws'), 'some password', address));
      expect((await login(addresses, uniqueEmail('ws'), 'some password', newAddress())).__typename).toBe('InvalidCredentialsError');
    } finally {
      await client.dispose();
      await sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('configuration', () => {
  it('takes its limits from RATE_LIMIT_* variables', async () => {
    const configured = await startTestApp({ env: { RATE_LIMIT_PER_ACCOUNT: '2', RATE_LIMIT_WINDOW_SECONDS: '120' } });
    try {
      const email = uniqueEmail('configured');
      expect((await login(configured, email, 'wrong password')).__typename).toBe('InvalidCredentialsError');
      expect((await login(configured, email, 'wrong password')).__typename).toBe('InvalidCredentialsError');
      const limited = await login(configured, email, 'wrong password');
      expect(limited.__typename).toBe('RateLimitedError');
      expect(limited.retryAfterSeconds).toBeGreaterThan(60);
      expect(limited.retryAfterSeconds).toBeLessThanOrEqual(120);
    } finally {
      await configured.close();
    }
  });
});
