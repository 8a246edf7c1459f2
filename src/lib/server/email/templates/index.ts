import type { Component } from 'svelte';
import { CHARITY_NAME } from '$app/env/public';
import { m } from '#lib/paraglide/messages.js';
import type { EmailKind, Language } from '../types.ts';
import Sample from './Sample.svelte';
import StaffSignIn from './StaffSignIn.svelte';
import Update from './Update.svelte';

/** What each template gets of its recipient (merge fields). */
export interface RecipientFields {
	firstName: string;
	unsubscribeUrl: string;
}

export interface TemplateProps<Data> {
	data: Data;
	language: Language;
	kind: EmailKind;
	recipient: RecipientFields;
}

export interface EmailTemplate<Data = Record<string, unknown>> {
	component: Component<TemplateProps<Data>>;
	subject(data: Data, language: Language): string;
	preheader(data: Data, language: Language): string;
}

export interface UpdateData {
	content: Partial<
		Record<
			Language,
			{
				subject: string;
				preheader?: string;
				paragraphs: string[];
				cta?: { label: string; url: string };
			}
		>
	>;
}

export interface StaffSignInData {
	link: string;
	minutes: number;
}

function define<Data>(template: EmailTemplate<Data>): EmailTemplate<Data> {
	return template;
}

/** Every email the site sends, by the name stored in the outbox's `template` column. */
export const templates = {
	sample: define<Record<string, never>>({
		component: Sample,
		subject: (_data, language) =>
			m.email_sample_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (_data, language) => m.email_sample_preheader({}, { locale: language })
	}),
	'staff-sign-in': define<StaffSignInData>({
		component: StaffSignIn,
		subject: (_data, language) =>
			m.email_staff_sign_in_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (data, language) =>
			m.email_staff_sign_in_expiry({ minutes: data.minutes }, { locale: language })
	}),
	update: define<UpdateData>({
		component: Update,
		subject: (data, language) =>
			(data.content[language] ?? data.content.en)?.subject ??
			m.email_update_fallback_subject({ name: CHARITY_NAME }, { locale: language }),
		preheader: (data, language) => (data.content[language] ?? data.content.en)?.preheader ?? ''
	})
} satisfies Record<string, EmailTemplate<never>>;

export type TemplateName = keyof typeof templates;

export function isTemplateName(name: string): name is TemplateName {
	return Object.hasOwn(templates, name);
}
