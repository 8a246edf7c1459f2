import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'svix';

// A local stand-in for the Resend API, for the real `resend` package to talk to
// (RESEND_BASE_URL). It answers as Resend does (batch send, idempotency keys,
// rate-limit headers, error bodies) and can misbehave on demand: 429s, 500s,
// quota errors, slow answers, answers that never come.

export interface DoubleEmail {
	id: string;
	idempotencyKey: string | null;
	from: string;
	to: string;
	subject: string;
	html: string;
	text: string;
	headers: Record<string, string>;
	/** As sent: the content base64, as Resend's API takes it (the single-email call only). */
	attachments: { filename: string; content: string; contentType: string | null }[];
}

export interface Misbehaviour {
	/** Share of calls (0..1) answered with an error instead, drawn from `errors`. */
	errorRate: number;
	/** 'timeout': never answers; 'lost-response': sends the emails, then never answers. */
	errors: Array<429 | 422 | 500 | 503 | 'timeout' | 'lost-response'>;
	/** Seconds sent in `retry-after` with a 429. */
	retryAfterSeconds: number;
	/** Every call waits this long before answering. */
	delayMs: number;
	/** After this many accepted calls, answer `daily_quota_exceeded`. */
	quotaAfterCalls: number;
	/** Calls per second before a 429 rate_limit_exceeded, as Resend enforces it. */
	ratePerSecond: number;
	/** A call with an email to one of these addresses is refused (422), as Resend refuses a bad one. */
	refuseTo: string[];
}

const NORMAL: Misbehaviour = {
	errorRate: 0,
	errors: [429, 500],
	retryAfterSeconds: 0,
	delayMs: 0,
	quotaAfterCalls: Infinity,
	ratePerSecond: Infinity,
	refuseTo: []
};

export interface ResendDouble {
	url: string;
	/** Emails Resend accepted, in order (a replayed idempotency key adds none). */
	emails: DoubleEmail[];
	/** How many times each recipient was sent an email (a double send shows as 2). */
	deliveriesTo(address: string): number;
	/** Recipients sent more than one email. */
	doubleSends(): string[];
	calls: {
		total: number;
		accepted: number;
		replayed: number;
		failed: number;
		perSecondPeak: number;
	};
	misbehave(changes: Partial<Misbehaviour>): void;
	/**
	 * Posts Resend's webhook event `type` for each email it accepted (those to `to`
	 * only, if given) to `${siteUrl}/api/webhooks/resend`, signed with `secret` as
	 * Resend signs them (Svix). Returns the HTTP status of each call.
	 */
	deliverWebhooks(siteUrl: string, secret: string, event: WebhookEvent): Promise<number[]>;
	reset(): void;
	close(): Promise<void>;
}

export type WebhookEventType =
	'email.delivered' | 'email.opened' | 'email.clicked' | 'email.bounced' | 'email.complained';

export interface WebhookEvent {
	type: WebhookEventType;
	/** Only the emails to this address (any letter case); all of them when absent. */
	to?: string;
	/** When it happened (the payload's created_at); now when absent. */
	at?: Date;
	/** email.clicked: the link clicked. */
	link?: string;
	/** email.bounced: 'Permanent' (a hard bounce, the default) or 'Transient'. */
	bounceType?: 'Permanent' | 'Transient';
}

/**
 * A webhook call as Resend makes it: the JSON body and the Svix headers that sign
 * it with `secret` (whsec_...). `id` is the Svix message id (a redelivery keeps
 * it); `at` the signing time (Svix refuses one more than 5 minutes off).
 */
export function signedResendWebhook(
	payload: unknown,
	secret: string,
	options: { id?: string; at?: Date } = {}
): { id: string; init: RequestInit & { body: string; headers: Record<string, string> } } {
	const id = options.id ?? `msg_${randomUUID()}`;
	const at = options.at ?? new Date();
	const body = JSON.stringify(payload);
	const signature = new Webhook(secret).sign(id, at, body);
	return {
		id,
		init: {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'svix-id': id,
				'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
				'svix-signature': signature
			},
			body
		}
	};
}

/** Resend's payload for an event about one email it sent. */
function webhookPayload(email: DoubleEmail, event: WebhookEvent) {
	const at = (event.at ?? new Date()).toISOString();
	const data: Record<string, unknown> = {
		email_id: email.id,
		created_at: at,
		from: email.from,
		to: [email.to],
		subject: email.subject
	};
	if (event.type === 'email.clicked') {
		data.click = {
			link: event.link ?? 'https://example.org/',
			timestamp: at,
			ipAddress: '192.0.2.1',
			userAgent: 'Mozilla/5.0'
		};
	}
	if (event.type === 'email.bounced') {
		data.bounce = {
			type: event.bounceType ?? 'Permanent',
			subType: event.bounceType === 'Transient' ? 'MailboxFull' : 'General',
			message: 'The recipient’s mail server refused the email.'
		};
	}
	return { type: event.type, created_at: at, data };
}

export async function startResendDouble(options: { seed?: number } = {}): Promise<ResendDouble> {
	let behaviour = { ...NORMAL };
	let seed = options.seed ?? 42;
	const random = () => {
		// mulberry32: a repeatable run for a given seed
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};

	const emails: DoubleEmail[] = [];
	const byRecipient = new Map<string, number>();
	const answered = new Map<string, { status: number; body: string }>();
	const inFlight = new Set<string>();
	const calls = { total: 0, accepted: 0, replayed: 0, failed: 0, perSecondPeak: 0 };
	// Rate limit as a token bucket: `ratePerSecond` tokens a second, holding at most one
	// second's worth, so calls paced at the rate pass however they jitter.
	let tokens = Infinity;
	let refilledAt = Date.now();
	let windowStart = 0;
	let windowCalls = 0;

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			void handle(req, res, Buffer.concat(chunks).toString('utf8'));
		});
	});

	function send(
		res: http.ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {}
	) {
		if (res.destroyed) return;
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(typeof body === 'string' ? body : JSON.stringify(body));
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
		if (!req.headers.authorization?.startsWith('Bearer re_')) {
			return send(res, 401, {
				statusCode: 401,
				name: 'missing_api_key',
				message: 'Missing API key'
			});
		}
		const path = req.url?.split('?')[0];
		if (req.method !== 'POST' || (path !== '/emails/batch' && path !== '/emails')) {
			return send(res, 404, { statusCode: 404, name: 'not_found', message: 'Not found' });
		}
		calls.total += 1;
		const now = Date.now();
		if (now - windowStart >= 1000) {
			windowStart = now;
			windowCalls = 0;
		}
		windowCalls += 1;
		calls.perSecondPeak = Math.max(calls.perSecondPeak, windowCalls);
		const limit = Number.isFinite(behaviour.ratePerSecond) ? behaviour.ratePerSecond : 1000;
		tokens = Math.min(
			limit,
			(Number.isFinite(tokens) ? tokens : limit) + ((now - refilledAt) / 1000) * limit
		);
		refilledAt = now;
		const allowed = tokens >= 1;
		if (allowed) tokens -= 1;
		const rateHeaders = {
			'ratelimit-limit': String(limit),
			'ratelimit-remaining': String(Math.floor(tokens)),
			'ratelimit-reset': '1'
		};

		if (behaviour.delayMs > 0)
			await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));

		if (!allowed) {
			calls.failed += 1;
			return send(
				res,
				429,
				{ statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests' },
				{ ...rateHeaders, 'retry-after': '1' }
			);
		}
		if (calls.accepted >= behaviour.quotaAfterCalls) {
			calls.failed += 1;
			return send(
				res,
				429,
				{
					statusCode: 429,
					name: 'daily_quota_exceeded',
					message: 'You have reached your daily email sending quota.'
				},
				rateHeaders
			);
		}

		const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
		if (key && answered.has(key)) {
			calls.replayed += 1;
			const previous = answered.get(key)!;
			return send(res, previous.status, previous.body, rateHeaders);
		}
		if (key && inFlight.has(key)) {
			calls.failed += 1;
			return send(
				res,
				409,
				{
					statusCode: 409,
					name: 'concurrent_idempotent_requests',
					message: 'Same idempotency key in progress'
				},
				rateHeaders
			);
		}

		let loseResponse = false;
		if (random() < behaviour.errorRate) {
			const failure = behaviour.errors[Math.floor(random() * behaviour.errors.length)];
			if (failure === 'lost-response') {
				loseResponse = true;
			} else {
				calls.failed += 1;
				if (failure === 'timeout') return; // never answers; the client gives up
				if (failure === 429) {
					return send(
						res,
						429,
						{ statusCode: 429, name: 'rate_limit_exceeded', message: 'Too many requests' },
						{ ...rateHeaders, 'retry-after': String(behaviour.retryAfterSeconds) }
					);
				}
				return send(
					res,
					failure,
					failure === 422
						? { statusCode: 422, name: 'validation_error', message: 'The `to` field is invalid.' }
						: {
								statusCode: failure,
								name: 'internal_server_error',
								message: 'Something went wrong'
							},
					rateHeaders
				);
			}
		}

		let payload: Array<Record<string, unknown>>;
		try {
			const parsed = JSON.parse(raw) as unknown;
			payload = (Array.isArray(parsed) ? parsed : [parsed]) as Array<Record<string, unknown>>;
		} catch {
			return send(res, 422, { statusCode: 422, name: 'validation_error', message: 'Invalid JSON' });
		}
		if (payload.length > 100) {
			return send(res, 422, {
				statusCode: 422,
				name: 'validation_error',
				message: 'Too many emails: at most 100'
			});
		}
		for (const email of payload) {
			// Resend's batch endpoint does not take attachments.
			if (
				path === '/emails/batch' &&
				Array.isArray(email.attachments) &&
				email.attachments.length
			) {
				return send(res, 422, {
					statusCode: 422,
					name: 'validation_error',
					message: 'Attachments are not supported in batch emails'
				});
			}
			const to = Array.isArray(email.to) ? email.to : [email.to];
			if (
				!email.from ||
				!email.subject ||
				to.length === 0 ||
				to.some((address) => typeof address !== 'string' || !address.includes('@')) ||
				to.some((address) => behaviour.refuseTo.includes(String(address).toLowerCase()))
			) {
				return send(res, 422, {
					statusCode: 422,
					name: 'validation_error',
					message: 'Invalid `to` field'
				});
			}
		}

		if (key) inFlight.add(key);
		const ids = payload.map((email) => {
			const id = randomUUID();
			const to = (Array.isArray(email.to) ? email.to : [email.to]) as string[];
			for (const address of to) {
				const lower = address.toLowerCase();
				byRecipient.set(lower, (byRecipient.get(lower) ?? 0) + 1);
				emails.push({
					id,
					idempotencyKey: key,
					from: String(email.from),
					to: address,
					subject: String(email.subject),
					html: String(email.html ?? ''),
					text: String(email.text ?? ''),
					headers: (email.headers as Record<string, string>) ?? {},
					attachments: (
						(email.attachments as Array<Record<string, unknown>> | undefined) ?? []
					).map((attachment) => ({
						filename: String(attachment.filename ?? ''),
						content: String(attachment.content ?? ''),
						contentType: (attachment.content_type as string | undefined) ?? null
					}))
				});
			}
			return { id };
		});
		calls.accepted += 1;
		const body = JSON.stringify(path === '/emails' ? ids[0] : { data: ids });
		if (key) {
			answered.set(key, { status: 200, body });
			inFlight.delete(key);
		}
		if (loseResponse) return; // sent, but the answer never reaches the client
		return send(res, 200, body, rateHeaders);
	}

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		emails,
		deliveriesTo: (address) => byRecipient.get(address.toLowerCase()) ?? 0,
		doubleSends: () =>
			[...byRecipient].filter(([, count]) => count > 1).map(([address]) => address),
		calls,
		misbehave(changes) {
			behaviour = { ...behaviour, ...changes };
		},
		async deliverWebhooks(siteUrl, secret, event) {
			const to = event.to?.toLowerCase();
			const statuses: number[] = [];
			for (const email of emails.filter((sent) => !to || sent.to.toLowerCase() === to)) {
				const { init } = signedResendWebhook(webhookPayload(email, event), secret);
				const response = await fetch(`${siteUrl}/api/webhooks/resend`, init);
				await response.arrayBuffer();
				statuses.push(response.status);
			}
			return statuses;
		},
		reset() {
			behaviour = { ...NORMAL };
			emails.length = 0;
			byRecipient.clear();
			answered.clear();
			inFlight.clear();
			Object.assign(calls, { total: 0, accepted: 0, replayed: 0, failed: 0, perSecondPeak: 0 });
			tokens = Infinity;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
