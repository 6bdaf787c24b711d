import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs; Playwright's own browser downloads cannot work here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with the background networking that a closed machine would refuse turned off. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
