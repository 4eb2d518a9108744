// `npm run dev:web`: the API (as `npm start` runs it) and the web app's Vite dev server side by side. Vite
// proxies /graphql (WebSockets included) to the API, so open the address Vite prints. Arguments go to Vite
// (`npm run dev:web -- --port 5174`); PORT and the other variables of the README go to the API. Ctrl-C stops
// both; when either stops on its own, the other is stopped too.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const apiPort = process.env.PORT ?? '4000';

const children: ChildProcess[] = [
  spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, stdio: 'inherit' }),
  spawn(path.join(ROOT, 'node_modules', '.bin', 'vite'), process.argv.slice(2), {
    cwd: path.join(ROOT, 'examples', 'web'),
    stdio: 'inherit',
    env: { ...process.env, API_URL: process.env.API_URL ?? `http://localhost:${apiPort}` },
  }),
];

let signalled = false;
let exitCode = 0;
function stopAll(signal: NodeJS.Signals): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signalled = true;
    stopAll(signal);
  });
}
for (const child of children) {
  child.on('exit', (code) => {
    // One stopped by itself (a crash, a port in use): that is the exit code, and the other goes too.
    if (!signalled && exitCode === 0) exitCode = code ?? 1;
    stopAll('SIGTERM');
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
