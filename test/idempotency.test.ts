// Idempotency-Key over HTTP (yoga.fetch): replays with the same status and bytes, 422 for another request
// under the same key, 409 while the first runs (and a race of identical requests runs once), per-user
// keys, expiry, a crashed request's lease, what is never kept, and replays across two app instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeTrash } from '../src/services/trash.ts';
import { createApp, type App } from '../src/yoga.ts';
import { startTestApp, type SignedUp, type TestApp } from './helpers/app.ts';
import { rawId } from './helpers/tasks.ts';

let t: TestApp;
let user: SignedUp;

beforeAll(async () => {
  t = await startTestApp();
  user = await t.signup();
});
afterAll(() => t?.close());

const CREATE = 'mutation ($title: String!) { createTask(input: { title: $title }) { __typename ... on TaskPayload { task { id title } } } }';

function post(body: unknown, { key, token = user.accessToken, app }: { key?: string; token?: string; app?: App } = {}) {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key !== undefined && { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  };
  return app ? Promise.resolve(app.yoga.fetch('http://test.local/graphql', init)) : t.fetch('/graphql', init);
}

async function countTitled(title: string, token = user.accessToken): Promise<number> {
  const res = await t.gql('query ($s: String!) { tasks(filter: { search: $s }) { totalCount } }', { s: title }, { token });
  return res.data.tasks.totalCount;
}

const keyRows = (userId: string, key: string) =>
  t.database.db.prisma.idempotencyKey.findMany({ where: { userId: rawId(userId), key } });

describe('Idempotency-Key', () => {
  it('runs the first request and replays its status and bytes for a retry, marked Idempotent-Replayed', async () => {
    const body = { query: CREATE, variables: { title: 'replay-once' } };
    const first = await post(body, { key: 'key-replay' });
    const firstText = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.parse(firstText).data.createTask.__typename).toBe('TaskPayload');

    // Variables in another key order are the same JSON value.
    const retry = await post({ variables: { title: 'replay-once' }, query: CREATE }, { key: 'key-replay' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.text()).toBe(firstText);
    expect(await countTitled('replay-once')).toBe(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for other variables or another operation under the same key', async () => {
    await post({ query: CREATE, variables: { title: 'reused-a' } }, { key: 'key-reused' });
    for (const body of [
      { query: CREATE, variables: { title: 'reused-b' } },
      { query: CREATE.replace('mutation (', 'mutation Named('), variables: { title: 'reused-a' }, operationName: 'Named' },
    ]) {
      const res = await post(body, { key: 'key-reused' });
      expect(res.status).toBe(422);
      const json = await res.json();
      expect(json.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await countTitled('reused-b')).toBe(0);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request still runs', async () => {
    const body = { query: CREATE, variables: { title: 'in-use' } };
    await post(body, { key: 'key-running' });
    // As if that request were still running: claimed, no response yet, its lease not run out.
    await t.database.db.prisma.idempotencyKey.updateMany({
      where: { userId: rawId(user.userId), key: 'key-running' },
      data: { status: null, body: null, lockedUntil: new Date(Date.now() + 60_000) },
    });
    const busy = await post(body, { key: 'key-running' });
    expect(busy.status).toBe(409);
    expect((await busy.json()).errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(await countTitled('in-use')).toBe(1);
  });

  it('runs a race of identical requests exactly once', async () => {
    const body = { query: CREATE, variables: { title: 'raced-once' } };
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(body, { key: 'key-race' })));
    const ran = responses.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === null);
    expect(ran).toHaveLength(1);
    for (const res of responses) expect([200, 409]).toContain(res.status);
    expect(await countTitled('raced-once')).toBe(1);
  });

  it('takes over the key of a request whose instance died (its lease ran out)', async () => {
    await post({ query: CREATE, variables: { title: 'lease-probe' } }, { key: 'key-lease' });
    const [row] = await keyRows(user.userId, 'key-lease');
    // As if the first request had been claimed and its instance killed before answering.
    await t.database.db.prisma.idempotencyKey.update({
      where: { userId_key: { userId: row!.userId, key: 'key-lease' } },
      data: { status: null, body: null, lockedUntil: new Date(Date.now() - 1000) },
    });
    const res = await post({ query: CREATE, variables: { title: 'lease-probe' } }, { key: 'key-lease' });
    expect(res.status).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await countTitled('lease-probe')).toBe(2);
  });

  it('keeps keys per user: the same key of another user runs its own request', async () => {
    const other = await t.signup();
    const body = { query: CREATE, variables: { title: 'per-user' } };
    await post(body, { key: 'key-shared' });
    const res = await post(body, { key: 'key-shared', token: other.accessToken });
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await countTitled('per-user', other.accessToken)).toBe(1);
    expect(await countTitled('per-user')).toBe(1);
  });

  it('runs again once the kept response expired', async () => {
    const body = { query: CREATE, variables: { title: 'expiring' } };
    await post(body, { key: 'key-expiry' });
    await t.database.db.prisma.idempotencyKey.updateMany({ where: { key: 'key-expiry' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await post(body, { key: 'key-expiry' });
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await countTitled('expiring')).toBe(2);
  });

  it('the trash purge deletes kept responses once they expired, and only those', async () => {
    const body = { query: CREATE, variables: { title: 'purged-key' } };
    await post(body, { key: 'key-purged' });
    // A purge now keeps the response (it expires in 24 hours): the retry is a replay.
    await purgeTrash(t.database.db.sql, 30, new Date());
    expect(await keyRows(user.userId, 'key-purged')).toHaveLength(1);
    expect((await post(body, { key: 'key-purged' })).headers.get('idempotent-replayed')).toBe('true');
    // A purge 25 hours later deletes it: the retry runs again.
    await purgeTrash(t.database.db.sql, 30, new Date(Date.now() + 25 * 3_600_000));
    expect(await keyRows(user.userId, 'key-purged')).toEqual([]);
    expect((await post(body, { key: 'key-purged' })).headers.get('idempotent-replayed')).toBeNull();
    expect(await countTitled('purged-key')).toBe(2);
  });

  it('replays across two app instances on one database', async () => {
    const second = createApp(t.config, t.database.db);
    try {
      const body = { query: CREATE, variables: { title: 'two-instances' } };
      const first = await post(body, { key: 'key-instances' });
      const replay = await post(body, { key: 'key-instances', app: second });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.text()).toBe(await first.text());
      expect(await countTitled('two-instances')).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('ignores the header on queries, anonymous requests and requests with an account mutation', async () => {
    const query = await post({ query: '{ me { email } }' }, { key: 'key-query' });
    expect(query.status).toBe(200);
    const again = await post({ query: '{ me { email } }' }, { key: 'key-query' });
    expect(again.headers.get('idempotent-replayed')).toBeNull();

    const fresh = await t.signup();
    const logout = { query: 'mutation { logout { revokedSessions } } ' };
    const out = await post(logout, { key: 'key-account', token: fresh.accessToken });
    expect((await out.json()).data.logout.revokedSessions).toBe(1);
    expect(await keyRows(fresh.userId, 'key-account')).toEqual([]);

    const anonymous = await t.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'key-anon' },
      body: JSON.stringify({ query: 'mutation { signup(input: { email: "anon-idem@example.com", password: "long enough pw" }) { __typename } }' }),
    });
    expect(anonymous.headers.get('idempotent-replayed')).toBeNull();
    expect(await t.database.db.prisma.idempotencyKey.count({ where: { key: 'key-anon' } })).toBe(0);
  });

  it('does not keep a rejected token: the retry with a fresh token runs', async () => {
    const session = await t.signup();
    const body = { query: CREATE, variables: { title: 'after-refresh' } };
    // End the session: its access token is refused with 401.
    await post({ query: 'mutation { logout { revokedSessions } }' }, { token: session.accessToken });
    const refused = await post(body, { key: 'key-401', token: session.accessToken });
    expect(refused.status).toBe(401);
    const login = await t.gql(
      'mutation ($i: LoginInput!) { login(input: $i) { ... on AuthPayload { accessToken } } }',
      { i: { email: session.email, password: session.password } },
    );
    const res = await post(body, { key: 'key-401', token: login.data.login.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(await countTitled('after-refresh', login.data.login.accessToken)).toBe(1);
  });

  it('answers a retry whose session has ended 401, never the kept response', async () => {
    const session = await t.signup();
    const body = { query: CREATE, variables: { title: 'kept-then-revoked' } };
    const first = await post(body, { key: 'key-revoked', token: session.accessToken });
    expect((await first.json()).data.createTask.task.title).toBe('kept-then-revoked');
    await post({ query: 'mutation { logout { revokedSessions } }' }, { token: session.accessToken });

    const retry = await post(body, { key: 'key-revoked', token: session.accessToken });
    expect(retry.status).toBe(401);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect((await retry.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // The same for another request under that key (otherwise 422).
    const other = await post({ query: CREATE, variables: { title: 'other' } }, { key: 'key-revoked', token: session.accessToken });
    expect(other.status).toBe(401);
  });

  it('refuses a malformed key with 400 and runs nothing', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256), 'ünïcode']) {
      const res = await post({ query: CREATE, variables: { title: 'bad-key' } }, { key });
      // An empty header value is no key at all for some fetch implementations; it must not replay either way.
      if (key === '' && res.status === 200) continue;
      expect(res.status, key).toBe(400);
      expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(await countTitled('bad-key')).toBeLessThanOrEqual(1);
  });
});
