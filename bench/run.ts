// `npm run bench [-- suite]`: benchmarks that print figures (not timed tests).
// Suites: pages (default), email, broadcast, supporters, petitions, webhooks.
const suites: Record<string, () => Promise<void>> = {
	pages: async () => (await import('./pages.ts')).run(),
	email: async () => (await import('./email.ts')).run(),
	broadcast: async () => (await import('./broadcast.ts')).run(),
	supporters: async () => (await import('./supporters.ts')).run(),
	petitions: async () => (await import('./petitions.ts')).run(),
	webhooks: async () => (await import('./webhooks.ts')).run()
};

const name = process.argv[2] ?? 'pages';
const suite = suites[name];
if (!suite) {
	console.error(`Unknown benchmark "${name}". Known: ${Object.keys(suites).join(', ')}`);
	process.exit(2);
}
await suite();
