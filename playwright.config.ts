import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Playwright cannot download its own browser here; it drives Debian's Chromium
// (or the one named in CHROMIUM_PATH). Without one, say what to install.
function findChromium(): string | undefined {
	const candidates = [
		process.env.CHROMIUM_PATH,
		'/usr/bin/chromium',
		'/usr/bin/chromium-browser',
		'/usr/bin/google-chrome',
		'/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'
	].filter((path): path is string => Boolean(path));
	return candidates.find((path) => existsSync(path));
}

const executablePath = findChromium();
if (!executablePath) {
	throw new Error(
		'No Chromium found for the end-to-end tests. Install one: `sudo apt-get install chromium` ' +
			'(Debian/Ubuntu), or `npx playwright install chromium`, or set CHROMIUM_PATH to a Chrome/Chromium binary.'
	);
}

const PORT = Number(process.env.E2E_PORT ?? 4173);
/** The e2e site's database folder (tests/e2e/staff.ts adds staff to it). */
const E2E_DIR = '.local/e2e';
export const E2E_DATA = `${E2E_DIR}/pgdata`;
/** The site checks Resend's webhooks with it; tests/e2e/email-journey.test.ts signs with it. */
export const E2E_RESEND_WEBHOOK_SECRET = 'whsec_ZTJlLXdlYmhvb2stc2VjcmV0LWZvci10ZXN0cw==';

export default defineConfig({
	testDir: 'tests/e2e',
	fullyParallel: false,
	workers: 1,
	forbidOnly: Boolean(process.env.CI),
	retries: 0,
	reporter: 'list',
	timeout: 30_000,
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath,
			// This machine's network is closed: keep Chromium from calling home.
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	projects: [
		{ name: 'chromium', use: { ...devices['Desktop Chrome'] } },
		{ name: 'chromium-no-js', use: { ...devices['Desktop Chrome'], javaScriptEnabled: false } }
	],
	webServer: {
		// The built site on a throwaway local stack (its own folder, so tests can add
		// staff with `npm run staff:add`), on ports that leave `npm run dev` alone.
		command: `rm -rf ${E2E_DIR} && npm run build && node scripts/start.ts`,
		url: `http://127.0.0.1:${PORT}/`,
		timeout: 180_000,
		reuseExistingServer: false,
		stdout: 'ignore',
		stderr: 'pipe',
		env: {
			PORT: String(PORT),
			HOST: '127.0.0.1',
			LOCAL_DATA_DIR: E2E_DATA,
			LOCAL_SUPABASE_PORT: '0',
			LOCAL_DB_PORT: '0',
			LOCAL_POSTGREST_PORT: '0',
			LOCAL_POSTGREST_ADMIN_PORT: '0',
			LOG_LEVEL: 'warn',
			// Every test signs in from 127.0.0.1, twice (JavaScript on and off).
			SIGN_IN_RATE_PER_IP: '1000',
			// No Resend key (mail shows at /dev/mail), but Resend's webhooks are checked.
			RESEND_WEBHOOK_SECRET: E2E_RESEND_WEBHOOK_SECRET
		}
	}
});
