// `npm run dev`: the local Supabase stack (file-backed, under .local/) and `vite dev`.
import { runApp } from './run-app.ts';
import { DEV_DATA_DIR } from './stack-env.ts';

await runApp({
	name: 'dev',
	command: process.execPath,
	args: ['node_modules/vite/bin/vite.js', 'dev', ...process.argv.slice(2)],
	data: DEV_DATA_DIR
});
