import { m } from '#lib/paraglide/messages.js';
import { getLocale } from '#lib/paraglide/runtime.js';
import type { Language } from '../email/types.ts';
import type { VariantContent } from './content.ts';
import { draftCampaignNews, draftPetitionNews, draftResultsUpdate } from './drafts.ts';
import * as broadcasts from './index.ts';

// Where a new email starts: a blank page, an earlier email (the template), a
// results update drafted from the figures that changed, or a petition's or a
// campaign's news, addressed to those who took that action (closing the loop).

type Start = Parameters<typeof broadcasts.create>[1];

/** "Hi {{first_name|friend}}," in the email's language: every draft opens with it. */
function greeting(language: Language): string {
	return m.broadcast_blank_greeting(
		{ name: `{{first_name|${m.broadcast_blank_fallback({}, { locale: language })}}}` },
		{ locale: language }
	);
}

function blank(): VariantContent {
	const text = (language: Language) => ({
		subject: '',
		preheader: '',
		body: `${greeting(language)}\n\n`,
		cta: null
	});
	return { en: text('en'), fr: text('fr') };
}

function greeted(content: VariantContent): VariantContent {
	return {
		en: { ...content.en, body: `${greeting('en')}\n\n${content.en.body}` },
		fr: { ...content.fr, body: `${greeting('fr')}\n\n${content.fr.body}` }
	};
}

function dated(prefix: string): string {
	const day = new Intl.DateTimeFormat(getLocale() === 'fr' ? 'fr-CA' : 'en-CA', {
		dateStyle: 'medium'
	}).format(new Date());
	return `${prefix} · ${day}`;
}

/** The new draft for a starting point, or null when what it names does not exist. */
export async function startingPoint(origin: string, id: string): Promise<Start | null> {
	switch (origin) {
		case 'blank':
			return {
				name: dated(m.broadcast_start_blank_name()),
				topic: 'results',
				origin: { kind: 'blank' },
				content: { a: blank() }
			};
		case 'template': {
			const earlier = await broadcasts.get(id);
			if (!earlier) return null;
			return {
				name: m.broadcast_start_copy_name({ name: earlier.name }),
				topic: earlier.topic,
				origin: { kind: 'template', id },
				content: { a: earlier.content.a },
				audience: earlier.audience
			};
		}
		case 'results': {
			const since = await broadcasts.lastResultsUpdateAt();
			const draft = await draftResultsUpdate(since);
			return {
				name: dated(m.broadcast_start_results_name()),
				topic: 'results',
				origin: { kind: 'results', since: since?.toISOString() ?? null },
				content: { a: greeted(draft.content) }
			};
		}
		case 'petition': {
			if (!broadcasts.isUuid(id)) return null;
			const draft = await draftPetitionNews(id);
			if (!draft) return null;
			return {
				name: dated(m.broadcast_start_petition_name()),
				topic: 'campaigns',
				origin: { kind: 'petition', id },
				content: { a: greeted(draft.content) },
				audience: { segments: [], filter: { petition: id } }
			};
		}
		case 'campaign': {
			if (!broadcasts.isUuid(id)) return null;
			const draft = await draftCampaignNews(id);
			if (!draft) return null;
			return {
				name: dated(m.broadcast_start_campaign_name()),
				topic: 'campaigns',
				origin: { kind: 'campaign', id },
				content: { a: greeted(draft.content) },
				audience: { segments: [], filter: { campaign: id } }
			};
		}
		default:
			return null;
	}
}
