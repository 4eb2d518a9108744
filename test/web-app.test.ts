// examples/web in a real browser: `npm run dev:web`'s script (scripts/dev-web.ts) runs the API and the Vite dev
// server; Chromium (test/helpers/browser.ts) opens the app in two tabs of one profile, signed in as one user.
// What one tab does (add, complete, rename, move up, delete) shows at once in that tab (optimistic: its
// mutation is held back) and in the other within the bound; so do changes made through the API, a reconnect
// catches up with `sync`, a refused access token is refreshed and the request retried, and a socket the server
// refuses (4403) reconnects with a refreshed token. No console error or warning (Apollo's cache warnings are
// console.warn) and no page error may appear. It also typechecks and its generated files are current. Leaves
// a screenshot in test/artifacts/web-app.png.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, ConsoleMessage, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.ts';
import { freePort, postGraphQL, startServer, type ServerProcess } from './helpers/process.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB = path.join(ROOT, 'examples', 'web');
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** How soon a change made elsewhere must show (the issue asks for a second; the rest is slack for CI). */
const LIVE_MS = 2_500;
/** How long a held-back mutation waits; an optimistic change must show before it is sent. */
const HOLD_MS = 2_000;
/** How long the acting tab may take to show its optimistic change (well inside HOLD_MS). */
const OPTIMISTIC_MS = 1_200;

interface Logged {
  page: string;
  type: string;
  text: string;
}

if (process.env.TEST_DB !== 'postgres') {
  describe('examples/web', () => {
    let devWeb: ServerProcess | undefined;
    let appUrl: string;
    let dataDir: string;
    let profileDir: string | undefined;
    let context: BrowserContext | undefined;
    let a: Page;
    let b: Page;
    const email = `web-${Date.now()}@example.com`;
    const password = 'a long password';
    const logged: Logged[] = [];
    /** Console messages expected while a step provokes them on purpose (matched, then allowed). */
    let expectedNoise: RegExp | null = null;
    const requests: { page: string; operationName: string | undefined; at: number }[] = [];

    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'taskapi-web-'));
      const apiPort = await freePort();
      const vitePort = await freePort();
      // The API and Vite, as `npm run dev:web` starts them (Vite's arguments after `--`).
      devWeb = await startServer(
        { DATA_DIR: dataDir, PORT: String(apiPort) },
        ['--import', 'tsx', 'scripts/dev-web.ts', '--port', String(vitePort), '--strictPort', '--host', '127.0.0.1'],
      );
      appUrl = `http://127.0.0.1:${vitePort}`;
      await waitFor(async () => (await fetch(appUrl)).status === 200, 30_000, () => devWeb!.output());

      profileDir = mkdtempSync(path.join(tmpdir(), 'taskapi-web-chromium-'));
      context = (await launchChromium(profileDir, { viewport: { width: 1100, height: 640 } })).context;
      // Nothing may leave the machine.
      await context.route((u) => u.hostname !== '127.0.0.1', (route) => {
        logged.push({ page: '-', type: 'error', text: `request to ${route.request().url()}` });
        return route.abort();
      });
      a = context.pages()[0] ?? (await context.newPage());
      watch(a, 'A');
    }, 120_000);

    afterAll(async () => {
      await context?.close().catch(() => {});
      if (devWeb) {
        devWeb.child.kill('SIGTERM');
        await devWeb.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    });

    function watch(page: Page, name: string): void {
      page.on('console', (message: ConsoleMessage) => {
        const type = message.type();
        if (type !== 'error' && type !== 'warning') return;
        if (expectedNoise?.test(message.text())) return;
        logged.push({ page: name, type, text: message.text() });
      });
      page.on('pageerror', (error) => logged.push({ page: name, type: 'pageerror', text: error.message }));
      page.on('request', (request: Request) => {
        if (request.method() !== 'POST' || !request.url().endsWith('/graphql')) return;
        const body = request.postDataJSON() as { operationName?: string } | null;
        requests.push({ page: name, operationName: body?.operationName, at: Date.now() });
      });
    }

    /** The session the app's tabs share (localStorage). */
    const storedSession = (page: Page) =>
      page.evaluate(() => JSON.parse(localStorage.getItem('taskapi.session')!) as { accessToken: string; refreshToken: string });
    /** Breaks the stored access token's signature (the server then refuses it); returns the broken token. */
    const tamperAccessToken = (page: Page) =>
      page.evaluate(() => {
        const session = JSON.parse(localStorage.getItem('taskapi.session')!) as { accessToken: string };
        const last = session.accessToken.at(-2) === 'A' ? 'B' : 'A';
        session.accessToken = `${session.accessToken.slice(0, -2)}${last}${session.accessToken.at(-1)}`;
        localStorage.setItem('taskapi.session', JSON.stringify(session));
        return session.accessToken;
      });
    const titles = (page: Page) => page.getByTestId('task-title').allInnerTexts();
    const status = (page: Page) => page.getByTestId('live-status').innerText();
    const checked = (page: Page, title: string) => page.getByRole('checkbox', { name: `Complete ${title}` }).isChecked();

    /**
     * Runs `action` in `page` with its `operationName` mutation held back, so only the optimistic answer can
     * show meanwhile; `action` checks the page, and the mutation must still be held when it is done.
     */
    async function heldBack(page: Page, operationName: string, action: () => Promise<void>): Promise<void> {
      const held: Promise<void>[] = [];
      let released = false;
      const handler = (route: import('playwright-core').Route) => {
        const body = route.request().postDataJSON() as { operationName?: string } | null;
        if (body?.operationName !== operationName) return route.continue();
        const release = new Promise((r) => setTimeout(r, HOLD_MS)).then(() => {
          released = true;
          return route.continue();
        });
        held.push(release);
        return release;
      };
      await page.route('**/graphql', handler);
      try {
        await action();
        expect(held, `${operationName} was sent`).toHaveLength(1);
        expect(released, `${operationName} was still held back while the page already showed its effect`).toBe(false);
      } finally {
        await Promise.all(held); // sent by now: unrouting earlier would let it through at once
        await page.unroute('**/graphql', handler);
      }
    }

    async function addTask(page: Page, title: string): Promise<void> {
      await page.getByLabel('New task').fill(title);
      await page.getByLabel('New task').press('Enter');
    }

    it('signs up, logs out and logs in again', { timeout: 60_000 }, async () => {
      await a.goto(appUrl);
      await a.getByLabel('Email').fill(email);
      await a.getByLabel('Password').fill(password);
      await a.getByRole('button', { name: 'Sign up' }).click();
      await expect.poll(() => status(a), { timeout: 20_000 }).toBe('Live');
      await a.getByRole('heading', { name: 'Inbox' }).waitFor();

      await a.getByRole('button', { name: 'Log out' }).click();
      await a.getByRole('button', { name: 'Log in' }).waitFor();
      await a.getByLabel('Email').fill(email);
      await a.getByLabel('Password').fill('a wrong password');
      await a.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => a.getByRole('alert').innerText()).toMatch(/email or password/i);
      await a.getByLabel('Password').fill(password);
      await a.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => status(a), { timeout: 10_000 }).toBe('Live');
    });

    it('opens a second tab on the same session', { timeout: 30_000 }, async () => {
      b = await context!.newPage();
      watch(b, 'B');
      await b.goto(appUrl);
      await expect.poll(() => status(b), { timeout: 10_000 }).toBe('Live');
      expect(await b.locator('.email').innerText()).toBe(email);
    });

    it('adds tasks: optimistic in one tab, live in the other', { timeout: 30_000 }, async () => {
      for (const title of ['Buy milk', 'Write report', 'Call mum']) {
        const start = Date.now();
        await heldBack(a, 'CreateTask', async () => {
          await addTask(a, title);
          // Shown before the mutation has even been sent.
          await expect.poll(() => titles(a), { timeout: OPTIMISTIC_MS }).toContain(title);
        });
        await expect.poll(() => titles(b), { timeout: LIVE_MS }).toContain(title);
        expect(Date.now() - start).toBeLessThan(HOLD_MS + LIVE_MS);
      }
      expect(await titles(a)).toEqual(['Buy milk', 'Write report', 'Call mum']);
      expect(await titles(b)).toEqual(['Buy milk', 'Write report', 'Call mum']);
    });

    it('completes a task', { timeout: 30_000 }, async () => {
      await heldBack(a, 'SetTaskCompleted', async () => {
        await a.getByRole('checkbox', { name: 'Complete Buy milk' }).click();
        await expect.poll(() => checked(a, 'Buy milk'), { timeout: OPTIMISTIC_MS }).toBe(true);
      });
      await expect.poll(() => checked(b, 'Buy milk'), { timeout: LIVE_MS }).toBe(true);
    });

    it('renames a task', { timeout: 30_000 }, async () => {
      await heldBack(a, 'RenameTask', async () => {
        await a.getByRole('button', { name: 'Rename Write report' }).click();
        await a.getByLabel('Title').fill('Write the final report');
        await a.getByLabel('Title').press('Enter');
        await expect.poll(() => titles(a), { timeout: OPTIMISTIC_MS }).toContain('Write the final report');
      });
      await expect.poll(() => titles(b), { timeout: LIVE_MS }).toEqual(['Buy milk', 'Write the final report', 'Call mum']);
    });

    it('moves a task up', { timeout: 30_000 }, async () => {
      await heldBack(a, 'MoveTask', async () => {
        await a.getByRole('button', { name: 'Move Call mum up' }).click();
        await expect.poll(() => titles(a), { timeout: OPTIMISTIC_MS }).toEqual(['Buy milk', 'Call mum', 'Write the final report']);
      });
      await expect.poll(() => titles(b), { timeout: LIVE_MS }).toEqual(['Buy milk', 'Call mum', 'Write the final report']);
      // The server's order is the one shown: a fresh load agrees.
      await b.reload();
      await expect.poll(() => titles(b), { timeout: 10_000 }).toEqual(['Buy milk', 'Call mum', 'Write the final report']);
      await expect.poll(() => status(b), { timeout: 10_000 }).toBe('Live');
    });

    it('deletes a task', { timeout: 30_000 }, async () => {
      await heldBack(a, 'DeleteTask', async () => {
        await a.getByRole('button', { name: 'Delete Buy milk' }).click();
        await expect.poll(() => titles(a), { timeout: OPTIMISTIC_MS }).not.toContain('Buy milk');
      });
      await expect.poll(() => titles(b), { timeout: LIVE_MS }).toEqual(['Call mum', 'Write the final report']);
    });

    it('shows changes made through the API, lists included', { timeout: 30_000 }, async () => {
      const token = await apiLogin();
      const created = await postGraphQL(devWeb!.url, 'mutation { createTask(input: { title: "From the API" }) { __typename } }', {}, token);
      expect(created.body.data?.createTask.__typename).toBe('TaskPayload');
      for (const page of [a, b]) await expect.poll(() => titles(page), { timeout: LIVE_MS }).toContain('From the API');

      const list = await postGraphQL(devWeb!.url, 'mutation { createTaskList(input: { name: "Groceries" }) { __typename } }', {}, token);
      expect(list.body.data?.createTaskList.__typename).toBe('TaskListPayload');
      for (const page of [a, b]) {
        await expect.poll(() => page.getByRole('navigation').innerText(), { timeout: LIVE_MS }).toContain('Groceries');
      }
    });

    it("shows a list's tasks and counts live", { timeout: 30_000 }, async () => {
      for (const page of [a, b]) {
        await page.getByRole('button', { name: /^Groceries/ }).click();
        await page.getByRole('heading', { name: 'Groceries' }).waitFor();
      }
      await addTask(a, 'Apples');
      await expect.poll(() => titles(b), { timeout: LIVE_MS }).toEqual(['Apples']);
      const count = (page: Page) => page.getByRole('button', { name: /^Groceries/ }).locator('.count').innerText();
      for (const page of [a, b]) await expect.poll(() => count(page), { timeout: LIVE_MS }).toBe('1');
      await a.getByRole('checkbox', { name: 'Complete Apples' }).click();
      for (const page of [a, b]) await expect.poll(() => count(page), { timeout: LIVE_MS }).toBe('0');
      for (const page of [a, b]) {
        await page.getByRole('button', { name: 'Inbox' }).click();
        await page.getByRole('heading', { name: 'Inbox' }).waitFor();
      }
      expect(await titles(b)).toEqual(['Call mum', 'Write the final report', 'From the API']);
    });

    it('catches up with sync after a reconnect', { timeout: 40_000 }, async () => {
      const token = await apiLogin();
      const [callMum] = await findTasks(token, 'Call mum');
      expectedNoise = /ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed/;
      try {
        await context!.setOffline(true);
        for (const page of [a, b]) await expect.poll(() => status(page), { timeout: 5_000 }).toBe('Reconnecting…');
        const offlineSince = Date.now();

        const created = await postGraphQL(devWeb!.url, 'mutation { createTask(input: { title: "While offline" }) { __typename } }', {}, token);
        expect(created.body.data?.createTask.__typename).toBe('TaskPayload');
        const deleted = await postGraphQL(devWeb!.url, 'mutation($id: ID!) { deleteTask(input: { id: $id }) { __typename } }', { id: callMum }, token);
        expect(deleted.body.data?.deleteTask.__typename).toBe('DeleteTaskPayload');
        // Offline, nothing arrives.
        await new Promise((r) => setTimeout(r, 1_000));
        expect(await titles(b)).not.toContain('While offline');

        await context!.setOffline(false);
        for (const page of [a, b]) {
          await expect.poll(() => titles(page), { timeout: 15_000 }).toEqual(['Write the final report', 'From the API', 'While offline']);
          await expect.poll(() => status(page), { timeout: 5_000 }).toBe('Live');
        }
        // Caught up by `sync`, not by a reload.
        for (const page of ['A', 'B']) {
          expect(requests.some((r) => r.page === page && r.operationName === 'Sync' && r.at > offlineSince), `page ${page} ran Sync`).toBe(true);
        }
      } finally {
        await context!.setOffline(false);
        expectedNoise = null;
      }

      // And live again afterwards.
      await postGraphQL(devWeb!.url, 'mutation { createTask(input: { title: "Back online" }) { __typename } }', {}, token);
      for (const page of [a, b]) await expect.poll(() => titles(page), { timeout: LIVE_MS }).toContain('Back online');
    });

    it('refreshes a refused access token and retries the request', { timeout: 30_000 }, async () => {
      const before = await storedSession(a);
      // A tampered signature: the server answers 401 UNAUTHENTICATED (Chromium logs the 401 as a console error).
      await tamperAccessToken(a);
      const since = Date.now();
      expectedNoise = /status of 401/;
      try {
        await addTask(a, 'After refresh');
        await expect.poll(() => titles(b), { timeout: LIVE_MS }).toContain('After refresh');
      } finally {
        expectedNoise = null;
      }
      const after = await storedSession(a);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(after.accessToken).not.toBe(before.accessToken);
      const ops = requests.filter((r) => r.page === 'A' && r.at >= since).map((r) => r.operationName);
      expect(ops).toEqual(['CreateTask', 'RefreshToken', 'CreateTask']);
      // The task is saved once, on the server too.
      expect(await findTasks(await apiLogin(), 'After refresh')).toHaveLength(1);
    });

    it('reconnects the live socket with a refreshed token when the server refuses it (4403)', { timeout: 40_000 }, async () => {
      const before = await storedSession(a);
      // Both tabs share the session. The first tab to reconnect sends the tampered token, which
      // connection_init refuses with 4403; its next attempt refreshes it (under the tabs' shared lock) and
      // connects. The other tab is either refused too and takes the refreshed token, or starts with it.
      const tampered = await tamperAccessToken(a);
      const since = Date.now();
      expectedNoise = /ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed/;
      try {
        await context!.setOffline(true);
        for (const page of [a, b]) await expect.poll(() => status(page), { timeout: 5_000 }).toBe('Reconnecting…');
        await context!.setOffline(false);
        for (const page of [a, b]) await expect.poll(() => status(page), { timeout: 15_000 }).toBe('Live');
      } finally {
        await context!.setOffline(false);
        expectedNoise = null;
      }
      const after = await storedSession(a);
      expect(after.accessToken).not.toBe(tampered);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      // One refresh, from the socket: no HTTP request was refused on the way (a 401 would be a console error,
      // which the last test of this file rejects).
      expect(requests.filter((r) => r.at >= since && r.operationName === 'RefreshToken')).toHaveLength(1);

      // Live on the refreshed socket.
      await postGraphQL(devWeb!.url, 'mutation { createTask(input: { title: "After 4403" }) { __typename } }', {}, await apiLogin());
      for (const page of [a, b]) await expect.poll(() => titles(page), { timeout: LIVE_MS }).toContain('After 4403');
    });

    it('logged no console error or warning and no page error', { timeout: 20_000 }, async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      await a.screenshot({ path: path.join(ARTIFACTS, 'web-app.png') });
      expect(logged).toEqual([]);
    });

    it('typechecks and has current generated files', { timeout: 120_000 }, async () => {
      const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
      const tsc = await run(bin('tsc'), ['--noEmit', '-p', '.']);
      expect(tsc.code, tsc.output).toBe(0);
      const codegen = await run(bin('graphql-codegen'), ['--config', 'codegen.ts', '--check']);
      expect(codegen.code, codegen.output).toBe(0);
    });

    async function apiLogin(): Promise<string> {
      const res = await postGraphQL(devWeb!.url, 'mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken } } }', {
        input: { email, password },
      });
      const token = res.body.data?.login.accessToken as string | undefined;
      expect(token, JSON.stringify(res.body)).toBeTruthy();
      return token!;
    }

    async function findTasks(token: string, search: string): Promise<string[]> {
      const res = await postGraphQL(devWeb!.url, 'query($s: String) { tasks(filter: { search: $s }) { edges { node { id title } } } }', { s: search }, token);
      return (res.body.data.tasks.edges as { node: { id: string; title: string } }[]).filter((e) => e.node.title === search).map((e) => e.node.id);
    }
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out:\n${describe()}`);
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: WEB, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}
