import { defineEnvVars } from '@sveltejs/kit/env';

// Every setting the app reads, declared and validated once, when the app starts.
// `.env.example` lists them with comments; the local stack (scripts/) sets the
// Supabase ones when they are not given.

// The Supabase settings are required, but checked when the server starts (see
// `init` in hooks.server.ts), not here: `vite build` evaluates this file too, and a
// build must not need a database.
const maybe = (value: string | undefined) => (value && value.trim() !== '' ? value : undefined);

const optional =
	(fallback: string) =>
	(value: string | undefined): string =>
		value && value.trim() !== '' ? value : fallback;

export const variables = defineEnvVars({
	SUPABASE_URL: {
		description: 'Base URL of the Supabase project (or of the local stack).',
		schema: (value) => {
			if (value && !URL.canParse(value)) throw new Error(`SUPABASE_URL is not a URL: ${value}`);
			return maybe(value);
		}
	},
	SUPABASE_ANON_KEY: {
		description: 'The anon (public) key: reads that Row Level Security governs.',
		schema: maybe
	},
	SUPABASE_SERVICE_ROLE_KEY: {
		description: 'The service-role key. Server only; never sent to a browser or a log.',
		schema: maybe
	},
	LOG_LEVEL: {
		description: 'pino level: fatal, error, warn, info, debug, trace or silent.',
		schema: (value) => {
			const level = value || 'info';
			const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
			if (!levels.includes(level)) throw new Error(`LOG_LEVEL must be one of ${levels.join(', ')}`);
			return level;
		}
	},
	BENCH_BARE_PAGE: {
		description: 'Set to 1 only by `npm run bench`: serves the bare page it measures as a floor.',
		schema: (value) => value === '1'
	},
	CHARITY_NAME: {
		public: true,
		description: 'The name people know the charity by.',
		schema: optional('IJM Canada')
	},
	CHARITY_LEGAL_NAME: {
		public: true,
		description: 'The legal name, as registered with the CRA.',
		schema: optional('International Justice Mission Canada')
	},
	CHARITY_REGISTRATION_NUMBER: {
		public: true,
		description:
			'CRA charitable registration number. Until it is set, the footer shows a sample marked as such.',
		schema: maybe
	},
	CHARITY_ADDRESS: {
		public: true,
		description:
			'Postal address shown in the footer and in every email (CASL). Until it is set, the footer says so.',
		schema: maybe
	}
});
