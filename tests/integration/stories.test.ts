import { describe, expect, it } from 'vitest';
import { anonClient, serviceClient, uniqueEmail, withSql } from './helpers.ts';

// Stories of people, as the public key and the server see them: the public reads a
// story only while it is published, approved by a second staff member and covered
// by a current consent; a lapsed or withdrawn consent hides it at once.

const db = serviceClient();
const PUBLIC_COLUMNS =
	'id, kind, quote_en, quote_fr, attribution_en, attribution_fr, pseudonym, public_photo_url, public_photo_alt_en';

const day = (offset: number) =>
	new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function addStaff(role: 'viewer' | 'campaigner' | 'admin' = 'campaigner'): Promise<string> {
	const { data, error } = await db
		.from('staff')
		.insert({ email: uniqueEmail('staff'), role })
		.select('id')
		.single();
	expect(error).toBeNull();
	return data!.id;
}

let counter = 0;
function storyInput(fields: Record<string, unknown> = {}) {
	counter += 1;
	const marker = `m${Date.now().toString(36)}${counter}`;
	return {
		marker,
		input: {
			kind: 'survivor',
			quote_en: `I am safe now (${marker}).`,
			quote_fr: `Je suis en sécurité maintenant (${marker}).`,
			attribution_en: 'Ana*, a survivor from the Philippines',
			attribution_fr: 'Ana*, survivante des Philippines',
			pseudonym: true,
			hide_face: false,
			hide_place: true,
			photo_url: null,
			photo_alt_en: null,
			photo_alt_fr: null,
			account_en: null,
			account_fr: null,
			consent_given_on: day(-30),
			consent_given_to: 'Maria Santos, IJM Philippines',
			consent_web: true,
			consent_email: false,
			consent_until: day(365),
			consent_note: null,
			...fields
		}
	};
}

async function rpc(name: string, args: Record<string, unknown>) {
	return db.rpc(name, args);
}

async function create(author: string, fields: Record<string, unknown> = {}) {
	const { marker, input } = storyInput(fields);
	const { data, error } = await rpc('story_create', {
		p_actor: author,
		p_story: input,
		p_ip: null
	});
	expect(error).toBeNull();
	return { id: data as string, marker };
}

async function move(actor: string, id: string, action: string) {
	return rpc('story_transition', { p_actor: actor, p_id: id, p_action: action, p_ip: null });
}

/** Draft → submitted → approved by `reviewer` → published. */
async function publishedStory(fields: Record<string, unknown> = {}) {
	const author = await addStaff();
	const reviewer = await addStaff();
	const story = await create(author, fields);
	expect((await move(author, story.id, 'submit')).error).toBeNull();
	expect((await move(reviewer, story.id, 'approve')).error).toBeNull();
	expect((await move(author, story.id, 'publish')).error).toBeNull();
	return { ...story, author, reviewer };
}

async function publicIds(): Promise<string[]> {
	const { data, error } = await anonClient().from('stories').select('id');
	expect(error).toBeNull();
	return (data ?? []).map((row) => row.id);
}

async function emailIds(language = 'en'): Promise<string[]> {
	const { data, error } = await rpc('stories_for_email', { p_language: language });
	expect(error).toBeNull();
	return (data as { id: string }[]).map((row) => row.id);
}

describe('the report’s voices', () => {
	it('the public reads Elsa’s words with her pseudonym, and General Pol Phie They’s, and nothing of the consent record', async () => {
		const anon = anonClient();
		const { data, error } = await anon.from('stories').select(PUBLIC_COLUMNS).order('sort');
		expect(error).toBeNull();
		const elsa = data!.find((row) => row.attribution_en.startsWith('Elsa*'));
		expect(elsa).toMatchObject({
			kind: 'survivor',
			pseudonym: true,
			attribution_en: 'Elsa*, a survivor of sex trafficking from the Philippines'
		});
		expect(elsa!.quote_en).toMatch(/^Do not lose hope\./);
		expect(elsa!.quote_fr).toMatch(/^Ne perdez pas espoir\./);
		expect(data!.some((row) => row.attribution_en.startsWith('General Pol Phie They'))).toBe(true);

		for (const column of [
			'consent_note',
			'consent_given_to',
			'created_by',
			'photo_url',
			'status'
		]) {
			const refused = await anon.from('stories').select(column);
			expect(refused.error?.code, column).toBe('42501');
		}
	});

	it('the seeded stories are reviewed by the printed report, say so, and await the consent record on file', async () => {
		const { data } = await db
			.from('stories')
			.select(
				'seeded, reviewed_by, reviewed_at, review_note, consent_note, consent_email, consent_until'
			)
			.eq('seeded', true);
		expect(data).toHaveLength(2);
		for (const story of data!) {
			expect(story.reviewed_by).toBeNull();
			expect(story.review_note).toMatch(/printed report/);
			expect(story.consent_note).toMatch(/replace with the consent record on file/);
			expect(story.consent_email).toBe(false);
		}
	});

	it('no one can seed a story after the migration, or mark one as seeded', async () => {
		const author = await addStaff();
		const { input } = storyInput();
		const seeded = await db.from('stories').insert({ ...input, seeded: true, created_by: author });
		expect(seeded.error?.message).toMatch(/seeded only by their migration/);
		const story = await create(author);
		const marked = await db.from('stories').update({ seeded: true }).eq('id', story.id);
		expect(marked.error?.message).toMatch(/seeded mark cannot change/);
	});
});

describe('who may see a story', () => {
	it('the public sees a story only once it is published and approved by someone other than its author', async () => {
		const author = await addStaff();
		const reviewer = await addStaff();
		const story = await create(author);
		expect(await publicIds()).not.toContain(story.id);

		expect((await move(author, story.id, 'publish')).error?.message).toBe('wrong_status');
		expect((await move(author, story.id, 'submit')).error).toBeNull();
		expect((await move(author, story.id, 'publish')).error?.message).toBe('not_reviewed');
		expect(await publicIds()).not.toContain(story.id);

		expect((await move(reviewer, story.id, 'approve')).error).toBeNull();
		expect(await publicIds()).not.toContain(story.id);
		expect((await move(author, story.id, 'publish')).error).toBeNull();
		expect(await publicIds()).toContain(story.id);

		const { data: audit } = await db
			.from('audit_log')
			.select('action, staff_id')
			.eq('target', story.id)
			.order('id');
		expect(audit).toEqual([
			{ action: 'story.created', staff_id: author },
			{ action: 'story.submitted', staff_id: author },
			{ action: 'story.approved', staff_id: reviewer },
			{ action: 'story.published', staff_id: author }
		]);
	});

	it('the author cannot approve their own story: the database refuses, through the function and by a direct write', async () => {
		const author = await addStaff();
		const story = await create(author);
		await move(author, story.id, 'submit');
		expect((await move(author, story.id, 'approve')).error?.message).toBe('own_story');

		const direct = await db
			.from('stories')
			.update({ reviewed_by: author, reviewed_at: new Date().toISOString() })
			.eq('id', story.id);
		expect(direct.error?.code).toBe('23514');
		const { data } = await db.from('stories').select('reviewed_at').eq('id', story.id).single();
		expect(data!.reviewed_at).toBeNull();
	});

	it('whoever last changed the words cannot approve them either, and the change takes the story off the site', async () => {
		const story = await publishedStory();
		expect(await publicIds()).toContain(story.id);
		const editor = story.reviewer;
		const { input } = storyInput({ quote_en: 'Changed words.' });
		const edited = await rpc('story_edit', {
			p_actor: editor,
			p_id: story.id,
			p_story: input,
			p_ip: null
		});
		expect(edited.error).toBeNull();
		expect(edited.data).toContain('quote_en');
		expect(await publicIds()).not.toContain(story.id);

		const { data } = await db
			.from('stories')
			.select('status, reviewed_by')
			.eq('id', story.id)
			.single();
		expect(data).toEqual({ status: 'draft', reviewed_by: null });
		await move(editor, story.id, 'submit');
		expect((await move(editor, story.id, 'approve')).error?.message).toBe('own_story');
	});

	it('a viewer cannot change a story, even by calling the database function', async () => {
		const viewer = await addStaff('viewer');
		const { input } = storyInput();
		const { error } = await rpc('story_create', { p_actor: viewer, p_story: input, p_ip: null });
		expect(error?.message).toBe('not_allowed');
	});

	it('the public never reads a photo whose face must be hidden', async () => {
		const hidden = await publishedStory({
			photo_url: '/stories/ana.jpg',
			photo_alt_en: 'Ana at the shelter',
			photo_alt_fr: 'Ana au refuge',
			hide_face: true
		});
		const shown = await publishedStory({
			photo_url: '/stories/general.jpg',
			photo_alt_en: 'The general',
			photo_alt_fr: 'Le général',
			pseudonym: false,
			attribution_en: 'Sam, a police officer',
			attribution_fr: 'Sam, policier'
		});
		const { data } = await anonClient()
			.from('stories')
			.select('id, public_photo_url, public_photo_alt_en')
			.in('id', [hidden.id, shown.id]);
		expect(data).toContainEqual({
			id: hidden.id,
			public_photo_url: null,
			public_photo_alt_en: null
		});
		expect(data).toContainEqual({
			id: shown.id,
			public_photo_url: '/stories/general.jpg',
			public_photo_alt_en: 'The general'
		});
		expect(await emailIds()).not.toContain(hidden.id);
	});
});

describe('when consent ends', () => {
	it('an end date of yesterday hides the story from the public at once; a renewed consent shows it again', async () => {
		const story = await publishedStory({ consent_email: true });
		expect(await publicIds()).toContain(story.id);
		expect(await emailIds()).toContain(story.id);

		const consent = (until: string) => ({
			consent_given_on: day(-30),
			consent_given_to: 'Maria Santos, IJM Philippines',
			consent_web: true,
			consent_email: true,
			consent_until: until,
			consent_note: null
		});
		const ended = await rpc('story_set_consent', {
			p_actor: story.author,
			p_id: story.id,
			p_consent: consent(day(-1)),
			p_ip: null
		});
		expect(ended.error).toBeNull();
		expect(await publicIds()).not.toContain(story.id);
		expect(await emailIds()).not.toContain(story.id);
		const { data } = await db.from('stories').select('status').eq('id', story.id).single();
		expect(data!.status).toBe('published');

		await rpc('story_set_consent', {
			p_actor: story.author,
			p_id: story.id,
			p_consent: consent(day(0)),
			p_ip: null
		});
		expect(await publicIds()).toContain(story.id);

		const { data: audit } = await db
			.from('audit_log')
			.select('details')
			.eq('target', story.id)
			.eq('action', 'story.consent_changed')
			.order('id');
		expect(audit![0].details).toEqual({ consent_until: { from: day(365), to: day(-1) } });
	});

	it('withdrawing consent hides the story at once, everywhere, for good', async () => {
		const story = await publishedStory({ consent_email: true });
		expect(await publicIds()).toContain(story.id);
		expect((await move(story.reviewer, story.id, 'withdraw')).error).toBeNull();
		expect(await publicIds()).not.toContain(story.id);
		expect(await emailIds()).not.toContain(story.id);

		expect((await move(story.author, story.id, 'publish')).error?.message).toBe(
			'consent_withdrawn'
		);
		const undo = await db.from('stories').update({ consent_withdrawn_at: null }).eq('id', story.id);
		expect(undo.error?.message).toMatch(/withdrawn consent stays withdrawn/);
		const republish = await db.from('stories').update({ status: 'published' }).eq('id', story.id);
		expect(republish.error?.code).toBe('23514');
		const { data } = await db.from('stories').select('status').eq('id', story.id).single();
		expect(data!.status).toBe('unpublished');
	});

	it('a story cannot be published once its consent has ended', async () => {
		const author = await addStaff();
		const reviewer = await addStaff();
		const story = await create(author, { consent_given_on: day(-60), consent_until: day(-1) });
		await move(author, story.id, 'submit');
		await move(reviewer, story.id, 'approve');
		expect((await move(author, story.id, 'publish')).error?.message).toBe('consent_ended');
	});
});

describe('stories for emails', () => {
	it('lists only stories whose consent covers emails, under the same rules, in the language asked', async () => {
		const webOnly = await publishedStory({ consent_web: true, consent_email: false });
		const emailOnly = await publishedStory({ consent_web: false, consent_email: true });
		const both = await publishedStory({ consent_web: true, consent_email: true });

		const ids = await emailIds();
		expect(ids).not.toContain(webOnly.id);
		expect(ids).toContain(emailOnly.id);
		expect(ids).toContain(both.id);
		const web = await publicIds();
		expect(web).toContain(webOnly.id);
		expect(web).not.toContain(emailOnly.id);

		const { data } = await rpc('stories_for_email', { p_language: 'fr' });
		const french = (data as { id: string; quote: string; attribution: string }[]).find(
			(row) => row.id === both.id
		);
		expect(french?.quote).toBe(`Je suis en sécurité maintenant (${both.marker}).`);
		expect(french?.attribution).toBe('Ana*, survivante des Philippines');

		const anonCall = await anonClient().rpc('stories_for_email', { p_language: 'en' });
		expect(anonCall.error?.code).toBe('42501');
	});

	it('the public policy and story_usable(web) agree on every story', async () => {
		await publishedStory();
		const { byPolicy, byFunction } = await withSql(async (client) => {
			const all = await client.query<{ id: string }>(
				`select id from public.stories s where public.story_usable(s, 'web') order by id`
			);
			await client.query('begin');
			try {
				await client.query('set local role anon');
				const anon = await client.query<{ id: string }>(
					'select id from public.stories order by id'
				);
				return { byPolicy: anon.rows, byFunction: all.rows };
			} finally {
				await client.query('rollback');
			}
		});
		expect(byPolicy.length).toBeGreaterThan(0);
		expect(byPolicy).toEqual(byFunction);
	});
});
