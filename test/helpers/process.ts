// Runs the real server (`node --import tsx src/server.ts`) as a child process on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testDbKind } from './database.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The environment of a real server on this run's database kind, with `extra` on top: a fresh DATA_DIR and,
 * on PostgreSQL, a fresh empty database (the server migrates it), which `drop` removes.
 */
export async function serverEnv(name: string, extra: Record<string, string> = {}): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const env: Record<string, string> = { DATA_DIR: mkdtempSync(path.join(tmpdir(), `taskapi-${name}-`)), ...extra };
  if (testDbKind !== 'postgres') return { env, drop: async () => {} };
  const database = await createTestDatabase({ migrate: false });
  await database.db.close();
  env.DATABASE_URL = database.url!;
  return { env, drop: () => database.drop().catch(() => {}) };
}

/** `command` defaults to the source through tsx (`npm start`); pass node arguments to run something else. */
export function runServer(env: Record<string, string>, command = ['--import', 'tsx', 'src/server.ts']): ServerProcess {
  let output = '';
  const child = spawn(process.execPath, command, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { url: `http://127.0.0.1:${env.PORT}`, child, output: () => output, exited };
}

/** Starts the server and waits until /ready answers 200. */
export async function startServer(env: Record<string, string>, command?: string[], timeoutMs = 30_000): Promise<ServerProcess> {
  const server = runServer(env, command);
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}:\n${server.output()}`);
    try {
      if ((await fetch(`${server.url}/ready`)).status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  server.child.kill('SIGKILL');
  throw new Error(`server did not become ready:\n${server.output()}`);
}

export async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}
