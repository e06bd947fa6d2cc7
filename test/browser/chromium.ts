import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { projectRoot } from '../../src/lib/project-root.js';

/** Debian's Chromium (package `chromium`; .ci/run installs it). Playwright's own download is never used. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Where each page's screenshot goes (git-ignored). */
export const SCREENSHOTS = path.join(projectRoot, 'test-results');

/**
 * Starts headless Chromium with a fresh profile (Playwright makes a temporary user-data-dir per launch)
 * and without the background connections this machine's closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (.ci/run does this)`);
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page in a context of its own (no shared storage), recording console errors and page errors. */
export async function openPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // The API's refusals (401, 403, 404) are logged by the browser as failed loads: expected.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems };
}

/** Saves a full-page screenshot as test-results/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** How many pixels of a chart's canvas are drawn (not fully transparent). */
export function paintedPixels(page: Page, chartId: string): Promise<number> {
  return page.$eval(`[data-chart="${chartId}"] canvas`, (canvas) => {
    const element = canvas as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    };
    const { data } = element.getContext('2d').getImageData(0, 0, element.width, element.height);
    let painted = 0;
    for (let index = 3; index < data.length; index += 4) if (data[index]! > 0) painted++;
    return painted;
  });
}

/** The numbers a chart's data table holds: `series|label` -> value. */
export function chartValues(page: Page, chartId: string): Promise<Record<string, number>> {
  return page.$$eval(`[data-chart="${chartId}"] [data-value]`, (cells) =>
    Object.fromEntries(
      cells.map((cell) => {
        const attribute = (name: string) =>
          (cell as unknown as { getAttribute(n: string): string }).getAttribute(name);
        return [`${attribute('data-series')}|${attribute('data-label')}`, Number(attribute('data-value'))];
      }),
    ),
  );
}
