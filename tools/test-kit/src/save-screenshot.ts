import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the browser tests save their screenshots: `artifacts/screenshots/` at the repository root (git-ignored). */
export const screenshotsDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '../../../artifacts/screenshots');

/** What saveScreenshot needs of a playwright page (test-kit does not depend on playwright). */
export interface ScreenshotPage {
  viewportSize(): { width: number; height: number } | null;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
}

/**
 * Saves the page as `artifacts/screenshots/<name>-<width>x<height>.png`, named after the
 * viewport, so the same page at 1280×800 and at 390×844 gives two files the READMEs link to.
 * Returns the file's path.
 */
export async function saveScreenshot(page: ScreenshotPage, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const viewport = page.viewportSize();
  const path = join(screenshotsDirectory, viewport === null ? `${name}.png` : `${name}-${viewport.width}x${viewport.height}.png`);
  mkdirSync(screenshotsDirectory, { recursive: true });
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}
