import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Page } from '@playwright/test';
import { E2E_DATA } from '../../playwright.config.ts';
import { expect } from './fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A new staff member of the e2e site, made as an operator would: `npm run staff:add`. */
export function addStaff(
	role: 'owner' | 'admin' | 'campaigner' | 'viewer',
	name: string = role
): string {
	const email = `${name}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 7)}@example.org`;
	execFileSync(process.execPath, ['scripts/staff-add.ts', email, '--role', role], {
		cwd: ROOT,
		env: { ...process.env, LOCAL_DATA_DIR: E2E_DATA },
		stdio: 'pipe'
	});
	return email;
}

/** SQL on the e2e site's database, for what a test cannot do through pages (time passing). */
export async function sql(text: string, params: unknown[] = []) {
	const state = JSON.parse(
		readFileSync(path.join(ROOT, path.dirname(E2E_DATA), 'stack.json'), 'utf8')
	);
	const client = new pg.Client({ connectionString: state.DB_URL });
	await client.connect();
	try {
		return (await client.query(text, params)).rows;
	} finally {
		await client.end();
	}
}

/** Asks for a sign-in link and returns it, read from the mail viewer as a developer would. */
export async function requestSignInLink(page: Page, email: string): Promise<string> {
	await page.goto('/admin/sign-in');
	await page.getByLabel('Email address').fill(email);
	await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
	await page.goto('/dev/mail');
	await page.getByRole('row').filter({ hasText: email }).first().getByRole('link').click();
	const text = await page.locator('pre').textContent();
	const link = /https?:\/\/\S+\/admin\/sign-in\/link\?token=[a-z0-9]+/.exec(text ?? '')?.[0];
	expect(link, 'the email carries a sign-in link').toBeTruthy();
	return link!;
}

/** Signs in as `email` through the whole flow. */
export async function signIn(page: Page, email: string) {
	const link = await requestSignInLink(page, email);
	await page.goto(link);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dashboard');
}
