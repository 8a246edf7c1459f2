import { paraglideVitePlugin } from '@inlang/paraglide-js';
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// Under Vitest the messages are compiled beforehand (`npm run i18n`): the plugin's
// watcher otherwise keeps Vitest from exiting for ten seconds after every run.
const testing = Boolean(process.env.VITEST);

export default defineConfig({
	plugins: [
		sveltekit({
			compilerOptions: {
				// Runes everywhere in our code; libraries decide for themselves.
				runes: ({ filename }) =>
					filename.split(/[/\\]/).includes('node_modules') ? undefined : true
			},
			adapter: adapter({ out: 'build' }),
			// Stylesheets under 30 kB go inline: a phone on a slow network paints the
			// first screen without waiting for a second request (Lighthouse LCP).
			inlineStyleThreshold: 30_000,
			// Our own CSRF check replaces the built-in one, which refuses RFC 8058
			// one-click unsubscribes: see src/lib/server/http/csrf.ts.
			csrf: { trustedOrigins: ['*'] },
			// Nonces for every script SvelteKit writes; no inline script runs without one.
			csp: {
				mode: 'auto',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					'style-src': ['self', 'unsafe-inline'],
					'img-src': ['self', 'data:'],
					'font-src': ['self'],
					'connect-src': ['self'],
					// Stripe Checkout and the customer portal: the browser checks the redirect after a post too.
					'form-action': ['self', 'https://checkout.stripe.com', 'https://billing.stripe.com'],
					'frame-ancestors': ['none'],
					'base-uri': ['self'],
					'object-src': ['none']
				}
			}
		}),
		!testing &&
			paraglideVitePlugin({
				project: './project.inlang',
				outdir: './src/lib/paraglide',
				emitTsDeclarations: true,
				// The URL says the language: /fr/... in French, no prefix in English (Paraglide's default pattern).
				strategy: ['url', 'baseLocale'],
				trailingSlash: 'never'
			})
	],
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.test.ts', 'scripts/**/*.test.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					environment: 'node',
					include: ['tests/integration/**/*.test.ts'],
					globalSetup: ['tests/integration/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 120_000,
					// One local stack for the whole run; files share it one at a time.
					fileParallelism: false
				}
			}
		]
	}
});
