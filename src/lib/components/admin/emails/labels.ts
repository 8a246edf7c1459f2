import { m } from '#lib/paraglide/messages.js';
import { getLocale } from '#lib/paraglide/runtime.js';
import { CHARITY_TIME_ZONE } from '#lib/schemas/campaign.ts';

// Words for a broadcast's status and topic, and its times on the charity's clock.

const STATUS: Record<string, () => string> = {
	draft: m.broadcast_status_draft,
	scheduled: m.broadcast_status_scheduled,
	testing: m.broadcast_status_testing,
	sending: m.broadcast_status_sending,
	paused: m.broadcast_status_paused,
	sent: m.broadcast_status_sent,
	cancelled: m.broadcast_status_cancelled
};

export function statusLabel(status: string): string {
	return STATUS[status]?.() ?? status;
}

const TOPIC: Record<string, () => string> = {
	results: m.email_topic_results,
	campaigns: m.email_topic_campaigns,
	giving: m.email_topic_giving
};

export function topicName(topic: string): string {
	return TOPIC[topic]?.() ?? topic;
}

/** A moment as the charity's wall clock shows it, with the zone's name. */
export function formatWhen(iso: string): string {
	return new Intl.DateTimeFormat(getLocale() === 'fr' ? 'fr-CA' : 'en-CA', {
		year: 'numeric',
		month: 'short',
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZone: CHARITY_TIME_ZONE,
		timeZoneName: 'short'
	}).format(new Date(iso));
}
