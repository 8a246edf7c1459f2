// `npm start`: the built site (`npm run build` first), on SUPABASE_URL or the local stack.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './local-stack/index.ts';
import { StackError } from './local-stack/errors.ts';
import { fail, runApp } from './run-app.ts';
import { DEV_DATA_DIR } from './stack-env.ts';

const entry = path.join(ROOT, 'build/index.js');
if (!existsSync(entry)) fail(new StackError('There is no build yet: run `npm run build` first.'));

function localAddress(): string {
	const host = !process.env.HOST || process.env.HOST === '0.0.0.0' ? 'localhost' : process.env.HOST;
	return `http://${host}:${process.env.PORT ?? 3000}`;
}

await runApp({
	name: 'start',
	command: process.execPath,
	args: [entry],
	// LOCAL_DB=memory gives a throwaway database (the end-to-end tests use it).
	data: process.env.LOCAL_DB === 'memory' ? 'memory' : DEV_DATA_DIR,
	env: {
		// Room for a 20 MB supporter import; a larger upload still reaches its form
		// action, which answers "too large" (adapter-node would answer a bare 413).
		BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT ?? '21M',
		// The address links and the form check use; behind a proxy, set it to the public one.
		SITE_URL: process.env.SITE_URL ?? localAddress()
	}
});
