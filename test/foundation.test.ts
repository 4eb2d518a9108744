import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('HTTP surface', () => {
  it('answers /health and /ready while the database answers', async () => {
    expect((await t.fetch('/health')).status).toBe(200);
    expect((await t.fetch('/ready')).status).toBe(200);
  });

  it('serves GraphiQL to a browser in development', async () => {
    const res = await t.fetch('/graphql', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('GraphiQL');
  });

  it('runs an anonymous query', async () => {
    const res = await t.gql('{ me { id } }');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ me: null });
  });
});
