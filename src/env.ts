import { defineEnvVars } from '@sveltejs/kit/env';

// Every setting the app reads, declared and validated once, when the app starts.
// `.env.example` lists them with comments; the local stack (scripts/) sets the
// Supabase ones when they are not given.

// The Supabase settings are required, but checked when the server starts (see
// `init` in hooks.server.ts), not here: `vite build` evaluates this file too, and a
// build must not need a database.
const maybe = (value: string | undefined) => (value && value.trim() !== '' ? value : undefined);

const positiveNumber = (name: string, fallback: number) => (value: string | undefined) => {
	if (value === undefined || value.trim() === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number`);
	return number;
};

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
	SITE_URL: {
		public: true,
		description: 'The public address of the site, for links in emails (no trailing slash).',
		schema: (value) => {
			const url =
				value && value.trim() !== '' ? value.replace(/\/+$/, '') : 'http://localhost:5173';
			if (!URL.canParse(url)) throw new Error(`SITE_URL is not a URL: ${url}`);
			return url;
		}
	},
	RESEND_API_KEY: {
		description:
			'Resend API key. Without it nothing is ever sent: the outbox is shown at /dev/mail.',
		schema: maybe
	},
	RESEND_WEBHOOK_SECRET: {
		description:
			'Signing secret of the Resend webhook (whsec_...). Required whenever RESEND_API_KEY is set.',
		schema: maybe
	},
	RESEND_BASE_URL: {
		description: 'Resend API address; tests point it at a local double.',
		schema: optional('https://api.resend.com')
	},
	RESEND_RATE_PER_SECOND: {
		description: 'Resend API calls per second, shared by all workers (your Resend plan sets it).',
		schema: positiveNumber('RESEND_RATE_PER_SECOND', 2)
	},
	RESEND_TIMEOUT_MS: {
		description: 'How long to wait for Resend to answer a batch before trying it again.',
		schema: positiveNumber('RESEND_TIMEOUT_MS', 30_000)
	},
	EMAIL_FROM: {
		description:
			'The From of every email, e.g. "IJM Canada <updates@ijm.ca>" (a domain verified in Resend).',
		schema: optional('IJM Canada <updates@example.org>')
	},
	EMAIL_REPLY_TO: {
		description: 'Where replies go (optional).',
		schema: maybe
	},
	EMAIL_BATCH_SIZE: {
		description: 'Emails per Resend batch call (at most 100).',
		schema: (value) => Math.min(100, positiveNumber('EMAIL_BATCH_SIZE', 100)(value))
	},
	EMAIL_LEASE_SECONDS: {
		description:
			'How long a worker holds a batch before another may take it over (a worker that died).',
		schema: positiveNumber('EMAIL_LEASE_SECONDS', 60)
	},
	EMAIL_RETRY_BASE_MS: {
		description: 'First retry delay after a 429 or 5xx; it doubles each attempt (with jitter).',
		schema: positiveNumber('EMAIL_RETRY_BASE_MS', 1000)
	},
	EMAIL_QUOTA_PAUSE_MINUTES: {
		description: 'How long sending pauses after Resend reports a daily or monthly quota reached.',
		schema: positiveNumber('EMAIL_QUOTA_PAUSE_MINUTES', 60)
	},
	SIGN_IN_RATE_PER_IP: {
		description: 'Staff sign-in requests allowed from one IP address in 15 minutes.',
		schema: positiveNumber('SIGN_IN_RATE_PER_IP', 30)
	},
	PETITION_RATE_PER_IP: {
		description: 'Petition signatures (and attempts) allowed from one IP address in an hour.',
		schema: positiveNumber('PETITION_RATE_PER_IP', 100)
	},
	PETITION_RATE_PER_EMAIL: {
		description: 'Petition signatures (and attempts) allowed for one email address in an hour.',
		schema: positiveNumber('PETITION_RATE_PER_EMAIL', 5)
	},
	PETITION_MIN_FILL_SECONDS: {
		description:
			'The least time between serving a petition form and its submission; quicker is taken for a bot.',
		schema: positiveNumber('PETITION_MIN_FILL_SECONDS', 3)
	},
	CRON_SECRET: {
		description:
			'Secret for POST /api/cron/email (header `Authorization: Bearer <secret>`). Without it the endpoint is off.',
		schema: maybe
	},
	BENCH_BARE_PAGE: {
		description: 'Set to 1 only by `npm run bench`: serves the bare page it measures as a floor.',
		schema: (value) => value === '1'
	},
	STRIPE_SECRET_KEY: {
		description:
			'Stripe secret key (sk_live_… or sk_test_…; a restricted key works). Without it /donate uses the local test checkout.',
		schema: maybe
	},
	STRIPE_WEBHOOK_SECRET: {
		description:
			'Signing secret (whsec_…) of the Stripe webhook pointing at <site>/api/webhooks/stripe. Required with the key.',
		schema: maybe
	},
	STRIPE_API_URL: {
		description:
			'Tests and benchmarks only: where the stripe package sends its calls (a local double). Unset: api.stripe.com.',
		schema: (value) => {
			if (value && !URL.canParse(value)) throw new Error(`STRIPE_API_URL is not a URL: ${value}`);
			return maybe(value);
		}
	},
	STRIPE_PORTAL_CONFIGURATION: {
		description:
			'Optional id (bpc_…) of the customer portal configuration /giving opens; unset: the default one.',
		schema: maybe
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
