// What must never reach a log line, as patterns: people's email addresses,
// JWTs (Supabase keys are JWTs), and the secret-key shapes of Stripe and Resend.
const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const API_KEY = /\b(?:sk|rk|whsec|re)_[A-Za-z0-9_]{8,}/g;

/** Keys whose values are dropped whole, whatever they look like. */
const SECRET_KEYS = /^(authorization|cookie|set-cookie|apikey|password|token|secret|.*_key)$/i;

export function scrubString(text: string): string {
	return text.replace(EMAIL, '[email]').replace(JWT, '[jwt]').replace(API_KEY, '[key]');
}

/** Returns a copy of `value` with secrets and email addresses masked, at any depth. */
export function scrub(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return scrubString(value);
	if (value === null || typeof value !== 'object' || depth > 8) return value;
	if (value instanceof Error) {
		// Errors keep what explains them (own fields such as `code` too), masked like the rest.
		return scrub(
			{ ...value, type: value.name, message: value.message, stack: value.stack },
			depth + 1
		);
	}
	if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) {
		out[key] = SECRET_KEYS.test(key) ? '[redacted]' : scrub(item, depth + 1);
	}
	return out;
}
