// test/helpers/browser.ts picks the browser of the browser tests: CHROMIUM_PATH, else a system Chromium, else
// the one an npm dev dependency ships. This checks the order and that a browser that cannot start fails the
// test with a message saying how to provide one (the GraphiQL test does the real launch).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseChromium, launchChromium } from './helpers/browser.ts';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const only = (...files: string[]) => (file: string) => files.includes(file);

if (process.env.TEST_DB !== 'postgres') {
  describe('browser helper', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('uses CHROMIUM_PATH first, even when a system Chromium exists', () => {
      expect(chooseChromium({ CHROMIUM_PATH: '/opt/chrome/chrome' }, SYSTEM, only('/opt/chrome/chrome', SYSTEM[0]!))).toEqual({
        source: 'CHROMIUM_PATH',
        executablePath: '/opt/chrome/chrome',
      });
    });

    it('refuses a CHROMIUM_PATH that is not an executable rather than taking another browser', () => {
      expect(() => chooseChromium({ CHROMIUM_PATH: '/nowhere/chromium' }, SYSTEM, only(SYSTEM[0]!))).toThrow(
        /CHROMIUM_PATH=\/nowhere\/chromium is not an executable file\. .*set CHROMIUM_PATH.*apt-get install chromium/,
      );
    });

    it('then a system Chromium', () => {
      expect(chooseChromium({}, SYSTEM, only(SYSTEM[1]!))).toEqual({ source: 'system', executablePath: SYSTEM[1] });
      expect(chooseChromium({ CHROMIUM_PATH: ' ' }, SYSTEM, only(SYSTEM[0]!, SYSTEM[1]!))).toEqual({
        source: 'system',
        executablePath: SYSTEM[0],
      });
    });

    it('then the packaged one; CHROMIUM_PATH=packaged asks for it even where a system Chromium exists', () => {
      expect(chooseChromium({}, SYSTEM, only())).toEqual({ source: 'packaged' });
      expect(chooseChromium({ CHROMIUM_PATH: 'packaged' }, SYSTEM, only(SYSTEM[0]!))).toEqual({ source: 'packaged' });
    });

    it('fails a launch that does not start, saying which executable and how to provide another', { timeout: 60_000 }, async () => {
      const profile = mkdtempSync(path.join(tmpdir(), 'taskapi-chromium-'));
      try {
        vi.stubEnv('CHROMIUM_PATH', '/bin/true');
        await expect(launchChromium(profile)).rejects.toThrow(
          /Chromium \(CHROMIUM_PATH: \/bin\/true\) did not start: [\s\S]*set CHROMIUM_PATH to a Chromium or Chrome executable/,
        );
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    });
  });
}
