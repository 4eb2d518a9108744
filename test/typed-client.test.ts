// examples/typed-client against the real server: its script (GraphQL Code Generator documents + urql, token
// refresh on UNAUTHENTICATED, trusted-document ids, a graphql-ws subscription, an offline queue with client ids
// and Idempotency-Key retries, a StaleTaskError resolved) runs to the end against a server that runs only the
// committed manifest's documents, it typechecks, and its committed generated files (manifest included) are current.
// The example is an npm workspace of the repo: the root `npm install` installs its dependencies (hoisted to
// the root node_modules), so its tools run from there.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type ServerProcess } from './helpers/process.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const EXAMPLE = path.join(ROOT, 'examples', 'typed-client');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: Record<string, string> = {}, timeout = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: EXAMPLE, env: { ...process.env, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** The example's tools come with the root install; a missing one means the install did not cover the workspace. */
function assertInstalled(): void {
  const missing = ['tsx', 'tsc', 'graphql-codegen'].filter((name) => !existsSync(bin(name)));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} missing from node_modules/.bin: run \`npm install\` at the repo root (it installs examples/typed-client too)`);
  }
}

if (process.env.TEST_DB !== 'postgres') {
  describe('examples/typed-client', () => {
    let server: ServerProcess | undefined;
    let dataDir: string;

    beforeAll(async () => {
      assertInstalled();
      dataDir = mkdtempSync(path.join(tmpdir(), 'taskapi-typed-client-'));
      // Trusted documents only: every operation the script sends must come from its committed manifest
      // (src/gql/persisted-documents.json, loaded by default), including the subscription over graphql-ws.
      server = await startServer({ DATA_DIR: dataDir, PORT: String(await freePort()), PERSISTED_OPERATIONS: 'only' });
    });

    afterAll(async () => {
      if (server) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs its script against the server by trusted-document ids: signup, tasks, paging, token refresh, delete, offline queue, conflict, live changes', { timeout: 120_000 }, async () => {
      // The server really refuses what is not in the manifest, so the script's success means it sent only ids.
      const adHoc = await fetch(`${server!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(adHoc.status).toBe(400);
      expect(((await adHoc.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_ONLY');

      const result = await run(bin('tsx'), ['src/main.ts'], { API_URL: `${server!.url}/graphql` });
      expect(result.code, show(result)).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          `Task API at ${server!.url}/graphql`,
          expect.stringMatching(/^- signed up as typed-client-.+@example\.com/),
          '- created 5 tasks: Example task 1, Example task 2, Example task 3, Example task 4, Example task 5',
          '- a blank title is refused: input.title: title must not be empty',
          '- page 1: Example task 1, Example task 2 (2/5)',
          '- page 2: Example task 3, Example task 4 (4/5)',
          '- page 3: Example task 5 (5/5)',
          expect.stringMatching(/^- toggled "Example task 2": completed at /),
          '- access token rejected (401 UNAUTHENTICATED): refreshed the token pair and retried: me still answers',
          '- deleted "Example task 3"',
          '- 4 tasks left, 1 completed',
          '- subscribed to changes over graphql-ws from the current syncToken',
          '- queued 4 mutations offline with client-made ids: createTaskList "Errands", createLabel "urgent", createTask "Buy milk", createTask "Oat milk" (subtask)',
          '- replay 1: 2 sent, then the response to createTask "Buy milk" was lost (connection reset (simulated)): 2 still queued',
          '- replay 2: createTask "Buy milk" answered with Idempotent-Replayed: true (it ran once), 2 sent, queue empty',
          '- list "Errands": Buy milk [urgent] > Oat milk (1 subtask)',
          '- StaleTaskError: we had version 1, the server 2 ("Buy milk and bread"); re-applied on it: version 3',
          '- changes over graphql-ws: the list, the label and both tasks CREATED, then the task UPDATED up to version 3',
        ]),
      );
      expect(lines.at(-1)).toBe('OK: all steps passed (token refreshes: 1)');
      expect(result.stderr).not.toMatch(/FAILED/);
    });

    it('exits non-zero, saying what failed, when the API cannot be reached', { timeout: 60_000 }, async () => {
      const result = await run(bin('tsx'), ['src/main.ts'], { API_URL: `http://127.0.0.1:${await freePort()}/graphql` });
      expect(result.code, show(result)).toBe(1);
      expect(result.stderr).toMatch(/^FAILED: signup: /m);
    });

    it('typechecks (tsc --noEmit)', { timeout: 120_000 }, async () => {
      const result = await run(bin('tsc'), ['--noEmit', '-p', '.']);
      expect(result.code, show(result)).toBe(0);
    });

    it('has current generated files (graphql-codegen --check; `npm run codegen` fixes it)', { timeout: 120_000 }, async () => {
      const result = await run(bin('graphql-codegen'), ['--config', 'codegen.ts', '--check']);
      expect(result.code, show(result)).toBe(0);
    });
  });
}
