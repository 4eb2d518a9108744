// A Chromium for browser tests, driven through playwright-core, that needs no browser on the machine, no root
// and no download. In order:
//  1. CHROMIUM_PATH, when set: that executable (a wrong path fails; it never falls through to another browser).
//     CHROMIUM_PATH=packaged picks 3 even where a system Chromium exists (.ci/run uses it to prove the path a
//     fresh machine takes).
//  2. A system Chromium, such as Debian's package (/usr/bin/chromium).
//  3. The Chromium that the @sparticuz/chromium dev dependency ships inside its npm tarball (bin/chromium.br, a
//     brotli-compressed chrome-headless-shell for x86-64 Linux), decompressed once into
//     node_modules/.cache/taskapi-chromium/<version>/. The package's own executablePath() is not used: it writes
//     to a fixed /tmp/chromium and trusts whatever file is already there (another user's, an older version's, or
//     one cut short by an interrupted run). Here a finished file is renamed into place, so a cached binary is
//     always complete, and concurrent test files can unpack at the same time.
// When the chosen browser does not start, the launch fails with a message saying how to provide one.
import {
  accessSync,
  constants,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = '@sparticuz/chromium';

/** Where a system Chromium is looked for (Debian's and Ubuntu's package names). */
export const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Headless, no sandbox (it needs user namespaces or a setuid helper, and root cannot use it), and none of
 * Chromium's background connections: the test machines have no network beyond localhost, and refused
 * connections slow every start.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

const HOW_TO_PROVIDE =
  'To run the browser tests, set CHROMIUM_PATH to a Chromium or Chrome executable, or install Chromium ' +
  '(Debian: apt-get install chromium, which provides /usr/bin/chromium). Without either, they use the Chromium ' +
  `of the ${PACKAGE} dev dependency (x86-64 Linux), which \`npm install\` installs.`;

export type ChromiumChoice =
  | { source: 'CHROMIUM_PATH' | 'system'; executablePath: string }
  | { source: 'packaged' };

export interface ChromiumExecutable {
  source: ChromiumChoice['source'];
  executablePath: string;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Which browser to use (nothing is started or unpacked). Throws when CHROMIUM_PATH names no executable file. */
export function chooseChromium(
  env: Record<string, string | undefined> = process.env,
  systemPaths: readonly string[] = SYSTEM_CHROMIUM,
  isExecutable: (file: string) => boolean = isExecutableFile,
): ChromiumChoice {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured === 'packaged') return { source: 'packaged' };
  if (configured) {
    if (!isExecutable(configured)) {
      throw new Error(`CHROMIUM_PATH=${configured} is not an executable file. ${HOW_TO_PROVIDE}`);
    }
    return { source: 'CHROMIUM_PATH', executablePath: configured };
  }
  const system = systemPaths.find((file) => isExecutable(file));
  if (system) return { source: 'system', executablePath: system };
  return { source: 'packaged' };
}

/** The packaged Chromium, decompressed into node_modules/.cache on first use. */
export async function packagedChromium(): Promise<string> {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(PACKAGE);
  } catch {
    throw new Error(`No system Chromium was found and ${PACKAGE} is not installed. ${HOW_TO_PROVIDE}`);
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const compressed = path.join(packageDir, 'bin', 'chromium.br');
  if (!existsSync(compressed)) {
    throw new Error(`${PACKAGE}@${version} has no bin/chromium.br (its layout changed?). ${HOW_TO_PROVIDE}`);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${PACKAGE} ships Chromium for x86-64 Linux only, not ${process.platform}-${process.arch}. ${HOW_TO_PROVIDE}`);
  }

  const dir = path.join(ROOT, 'node_modules', '.cache', 'taskapi-chromium', version);
  const executable = path.join(dir, 'chromium');
  if (isExecutableFile(executable)) return executable;

  mkdirSync(dir, { recursive: true });
  const partial = `${executable}.${process.pid}.${Date.now()}.partial`;
  try {
    await pipeline(createReadStream(compressed), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    renameSync(partial, executable);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new Error(`Could not unpack ${compressed} into ${dir}: ${(error as Error).message}. ${HOW_TO_PROVIDE}`);
  }
  return executable;
}

/** The browser `chooseChromium()` picks, unpacked when it is the packaged one. */
export async function findChromium(env: Record<string, string | undefined> = process.env): Promise<ChromiumExecutable> {
  const choice = chooseChromium(env);
  if (choice.source === 'packaged') return { source: 'packaged', executablePath: await packagedChromium() };
  return choice;
}

export interface LaunchedChromium {
  context: BrowserContext;
  chromium: ChromiumExecutable;
}

/**
 * A persistent context (profile in `userDataDir`) in the Chromium `findChromium()` picks. Fails, naming the
 * executable and how to provide another, when it does not start.
 */
export async function launchChromium(
  userDataDir: string,
  options: Omit<Parameters<typeof chromium.launchPersistentContext>[1], 'executablePath' | 'headless' | 'args'> = {},
): Promise<LaunchedChromium> {
  const found = await findChromium();
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      ...options,
      executablePath: found.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
  } catch (error) {
    throw new Error(
      `Chromium (${found.source}: ${found.executablePath}) did not start: ${(error as Error).message}\n${HOW_TO_PROVIDE}`,
    );
  }
  return { context, chromium: found };
}
