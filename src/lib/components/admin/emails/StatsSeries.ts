import { m } from '#lib/paraglide/messages.js';

/** The lines of the stats chart, in drawing order: each with a colour and a dash pattern. */
export const STATS_SERIES = [
	{ key: 'delivered', colour: '#0b3d5c', dash: 'none', label: () => m.email_stats_delivered() },
	{ key: 'opened', colour: '#9a3412', dash: '8 4', label: () => m.email_stats_opened() },
	{ key: 'clicked', colour: '#15803d', dash: '2 3', label: () => m.email_stats_clicked() }
] as const;

export type StatsSeriesKey = (typeof STATS_SERIES)[number]['key'];
