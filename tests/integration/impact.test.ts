import { afterAll, describe, expect, it } from 'vitest';
import { anonClient, serviceClient, withSql } from './helpers.ts';

// The impact figures' rules: the public reads only what is published, a chart
// value must have been read in its source, and staff edits are audited.

const db = serviceClient();

afterAll(async () => {
	await withSql((sql) =>
		sql.query(`delete from impact_series_points where source_title = 'integration test'`)
	);
	await withSql((sql) =>
		sql.query(
			`update impact_metrics set published = true, value = 645 where key = 'criminals_convicted'`
		)
	);
});

const point = {
	value: 12,
	value_low: '',
	source_title: 'integration test',
	source_url: '',
	en: { label: 'Test', as_of: '2030', place: 'Here', measured: 'Something' },
	fr: { label: 'Essai', as_of: '2030', place: 'Ici', measured: 'Quelque chose' }
};

describe('impact figures', () => {
	it('shows anon only published figures and values', async () => {
		const { data: id, error } = await db.rpc('impact_point_add', {
			p_actor: null,
			p_series: 'cambodia_minors_share',
			p_point: point,
			p_ip: null
		});
		expect(error).toBeNull();
		const anon = anonClient();
		const visible = async () =>
			(await anon.from('impact_series_points').select('id').eq('id', id)).data!.length;
		const translations = async () =>
			(await anon.from('impact_point_translations').select('label').eq('point_id', id)).data!
				.length;
		expect(await visible()).toBe(0);
		expect(await translations()).toBe(0);

		await db.rpc('impact_point_publish', {
			p_actor: null,
			p_point: id,
			p_published: true,
			p_ip: null
		});
		expect(await visible()).toBe(1);
		expect(await translations()).toBe(2);

		await db.rpc('impact_metric_save', {
			p_actor: null,
			p_key: 'criminals_convicted',
			p_fields: {
				value: 650,
				qualifier: 'plus',
				verification: 'verified',
				source_title: 'IJM Canada, A Proven Solution to a Global Problem',
				source_url: 'https://www.ijm.ca/research',
				published: false,
				en: { label: 'criminals convicted', as_of: 'now', place: 'there', measured: 'convictions' },
				fr: {
					label: 'criminels condamnés',
					as_of: 'maintenant',
					place: 'là',
					measured: 'condamnations'
				}
			},
			p_ip: '127.0.0.1'
		});
		const metric = await anon.from('impact_metrics').select('key').eq('key', 'criminals_convicted');
		expect(metric.data).toEqual([]);
		const { data: audit } = await db
			.from('audit_log')
			.select('details')
			.eq('action', 'impact.metric_saved')
			.eq('target', 'criminals_convicted')
			.order('id', { ascending: false })
			.limit(1);
		expect(audit![0].details.from).toMatchObject({ value: 645, published: true });
		expect(audit![0].details.to).toMatchObject({ value: 650, published: false });

		// anon cannot write, even what it can read.
		const write = await anon
			.from('impact_metrics')
			.update({ value: 1 })
			.eq('key', 'people_protected');
		expect(write.error ?? write.data).toBeTruthy();
		const { data: unchanged } = await db
			.from('impact_metrics')
			.select('value')
			.eq('key', 'people_protected');
		expect(Number(unchanged![0].value)).toBe(7300000);
	});

	it('refuses a chart value that was not read in its source', async () => {
		const { error } = await db.from('impact_series_points').insert({
			series_key: 'philippines_reduction',
			value: 75,
			source_title: 'integration test',
			verification: 'secondary'
		});
		expect(error?.message).toMatch(/verification/);
	});
});
