// GraphiQL in a real browser (Chromium through playwright-core; test/helpers/browser.ts finds one: CHROMIUM_PATH,
// a system Chromium, or the one an npm dev dependency ships): the page the real server serves
// opens on the guide query, runs a signup typed into its editor, takes the token from the result pane and
// sends it through the Headers pane, then runs the guide's Live subscription (server-sent events) and sees a
// change made through the API arrive in the result pane. Leaves a screenshot in test/artifacts/graphiql.png.
//
// The page bundles GraphiQL (@graphql-yoga/render-graphiql) instead of loading it from a CDN, so it works
// offline: the test refuses, records and fails on any request that would leave the machine.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, validate } from 'graphql';
import type { BrowserContext, Locator, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { GRAPHIQL_DEFAULT_QUERY } from '../src/yoga.ts';
import { launchChromium } from './helpers/browser.ts';
import { freePort, postGraphQL, startServer, type ServerProcess } from './helpers/process.ts';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const SCREENSHOT = path.join(ARTIFACTS, 'graphiql.png');

if (process.env.TEST_DB !== 'postgres') {
  describe('GraphiQL', () => {
    it('opens on a default query that is valid against the schema', () => {
      const errors = validate(schema, parse(GRAPHIQL_DEFAULT_QUERY));
      expect(errors.map((e) => e.message)).toEqual([]);
    });

    it('serves assets of the same version as graphql-yoga', () => {
      const require = createRequire(import.meta.url);
      const version = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
      expect(
        version('@graphql-yoga/render-graphiql'),
        'keep @graphql-yoga/render-graphiql at the version of graphql-yoga',
      ).toBe(version('graphql-yoga'));
    });

    describe('in Chromium', () => {
      let server: ServerProcess | undefined;
      let dataDir: string;
      let profileDir: string | undefined;
      let context: BrowserContext | undefined;

      beforeAll(async () => {
        dataDir = mkdtempSync(path.join(tmpdir(), 'taskapi-graphiql-'));
        server = await startServer({ DATA_DIR: dataDir, PORT: String(await freePort()) });
      });

      afterAll(async () => {
        await context?.close().catch(() => {});
        if (server) {
          server.child.kill('SIGTERM');
          await server.exited;
        }
        rmSync(dataDir, { recursive: true, force: true });
        if (profileDir) rmSync(profileDir, { recursive: true, force: true });
      });

      it('signs up, sets the Authorization header, runs `me`, then the Live subscription of the guide', { timeout: 120_000 }, async () => {
        const url = server!.url;
        profileDir = mkdtempSync(path.join(tmpdir(), 'taskapi-chromium-'));
        const launched = await launchChromium(profileDir, { viewport: { width: 1400, height: 1000 } });
        context = launched.context;
        console.info(`Chromium (${launched.chromium.source}): ${launched.chromium.executablePath}`);

        const outside: string[] = [];
        await context.route(
          (u) => u.host !== new URL(url).host,
          (route) => answerOutside(route, outside),
        );

        const page = context.pages()[0] ?? (await context.newPage());
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        const sentHeaders: Record<string, string>[] = [];
        // GraphiQL runs a subscription as a GET of /graphql?query=… with Accept: text/event-stream.
        const streams: { url: string; headers: Record<string, string> }[] = [];
        page.on('request', (request) => {
          if (request.method() === 'POST' && request.url() === `${url}/graphql`) sentHeaders.push(request.headers());
          if (request.url().startsWith(`${url}/graphql?`) && request.headers().accept?.includes('text/event-stream')) {
            streams.push({ url: request.url(), headers: request.headers() });
          }
        });

        await page.goto(`${url}/graphql`);
        const queryEditor = page.locator('.graphiql-query-editor .monaco-editor');
        await queryEditor.waitFor({ timeout: 30_000 });

        // A fresh profile opens on the default query.
        await expect.poll(() => storedTabQuery(page), { timeout: 10_000 }).toBe(GRAPHIQL_DEFAULT_QUERY);
        const shown = await editorText(page, '.graphiql-query-editor');
        expect(shown).toContain('# Welcome to the Task API.');
        expect(shown).toContain('mutation Signup {');

        // Type a signup into the editor and run it.
        const email = `graphiql-${Date.now()}@example.com`;
        await replaceEditorText(page, queryEditor, [
          'mutation GraphiQLSignup {',
          `  signup(input: { email: "${email}", password: "a long password" }) {`,
          '    __typename',
          '    ... on AuthPayload { accessToken }',
          '    ... on Error { message }',
          '  }',
          '}',
        ].join('\n'));
        await waitForActiveTab(page, 'GraphiQLSignup');
        await page.locator('.graphiql-execute-button').click();
        const signupResult = await waitForResult(page, '"signup":');
        expect(signupResult).toContain('"__typename":"AuthPayload"');
        const accessToken = /"accessToken":"([^"]+)"/.exec(signupResult)?.[1];
        expect(accessToken, signupResult).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

        // Headers pane: the token, then `me`.
        await page.getByRole('button', { name: 'Headers', exact: true }).click();
        const headersEditor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor');
        await replaceEditorText(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${accessToken}` }, null, 2));
        await replaceEditorText(page, queryEditor, 'query WhoAmI { me { email } }');
        await waitForActiveTab(page, 'WhoAmI');
        await page.locator('.graphiql-execute-button').click();
        const meResult = await waitForResult(page, '"me":');
        expect(meResult).toContain(`"me":{"email":"${email}"}`);
        expect(sentHeaders.at(-1)?.authorization).toBe(`Bearer ${accessToken}`);

        // The guide again; the cursor in its last operation (Live) picks it, and it runs as a stream.
        await replaceEditorText(page, queryEditor, GRAPHIQL_DEFAULT_QUERY);
        await waitForActiveTab(page, 'Signup');
        await page.keyboard.press('ControlOrMeta+End');
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
        // Ctrl-Enter runs the operation under the cursor (the run button would ask which one).
        await page.keyboard.press('ControlOrMeta+Enter');
        // Subscribed once GraphiQL's request is out (server-sent events, with the Headers pane's token).
        await expect.poll(() => streams.length, { timeout: 10_000 }).toBe(1);
        expect(new URL(streams[0]!.url).searchParams.get('operationName')).toBe('Live');
        expect(streams[0]!.headers.authorization).toBe(`Bearer ${accessToken}`);
        // The request is out, but the server may not have subscribed yet: write until a change shows up.
        let event = '';
        for (let attempt = 1; attempt <= 5 && !event.includes('"title":"MadeoutsideGraphiQL'); attempt++) {
          const created = await postGraphQL(url, 'mutation ($input: CreateTaskInput!) { createTask(input: $input) { __typename } }', { input: { title: `Made outside GraphiQL ${attempt}` } }, accessToken);
          expect(created.body.data?.createTask.__typename).toBe('TaskPayload');
          for (const deadline = Date.now() + 3_000; Date.now() < deadline && !event.includes('MadeoutsideGraphiQL'); ) {
            event = (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, '');
            await page.waitForTimeout(100);
          }
        }
        expect(event).toMatch(/"title":"MadeoutsideGraphiQL\d"/);
        expect(event).toContain('"kind":"CREATED"');
        expect(event).toContain('"nodeType":"Task"');

        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: SCREENSHOT });

        expect(pageErrors).toEqual([]);
        expect(outside, 'requests that would leave the machine').toEqual([]);
      });
    });
  });
}

/** Records and refuses a request that would leave the machine. */
async function answerOutside(route: Route, outside: string[]): Promise<void> {
  outside.push(route.request().url());
  return route.abort();
}

/** The query of GraphiQL's first tab, as GraphiQL stores it. */
async function storedTabQuery(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const state = JSON.parse(localStorage.getItem('graphiql:tabState') ?? 'null') as { tabs?: { query?: string }[] } | null;
    return state?.tabs?.[0]?.query;
  });
}

/** What a Monaco editor under `container` renders (visible lines only), with ordinary spaces. */
async function editorText(page: Page, container: string): Promise<string> {
  return (await page.locator(`${container} .view-lines`).first().innerText()).replace(/\u00a0/g, ' ');
}

/**
 * Replaces an editor's text the way a person pasting would: focus it, select all, paste. (Typing key by
 * key fights Monaco's bracket auto-closing and suggestions; a paste is taken verbatim.)
 */
async function replaceEditorText(page: Page, editor: Locator, text: string): Promise<void> {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.evaluate((value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** GraphiQL names the tab after the operation once it has parsed the editor; run only after that. */
async function waitForActiveTab(page: Page, title: string): Promise<void> {
  await expect
    .poll(() => page.locator('.graphiql-tab-active .graphiql-tab-button').innerText(), { timeout: 10_000 })
    .toBe(title);
}

/** The result pane's text without whitespace (Monaco wraps long tokens over several lines) once it holds `marker`. */
async function waitForResult(page: Page, marker: string): Promise<string> {
  let text = '';
  await expect
    .poll(
      async () => {
        text = (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, '');
        return text.includes(marker) || text.includes('"errors":');
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return text;
}
