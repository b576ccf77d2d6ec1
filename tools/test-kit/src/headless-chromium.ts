/**
 * The options with which the browser tests launch the machine's Chromium through playwright-core's
 * `chromium.launch` (test-kit does not depend on playwright): headless, without the sandbox
 * (containers run as root), the GPU or background traffic, plus the test's own `extraArgs`.
 */
export function headlessChromium(extraArgs: readonly string[] = []): { executablePath: string; args: string[] } {
  return {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  };
}
