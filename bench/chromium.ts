import type { LaunchOptions } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';

/**
 * The Chromium the end-to-end tests drive (CHROMIUM_PATH, else Debian's
 * /usr/bin/chromium…) with their flags that keep it off the network.
 */
export const chromiumLaunch: LaunchOptions = playwrightConfig.use?.launchOptions ?? {};

export function chromiumPath(): string {
	if (!chromiumLaunch.executablePath)
		throw new Error('No Chromium found: see playwright.config.ts');
	return chromiumLaunch.executablePath;
}
