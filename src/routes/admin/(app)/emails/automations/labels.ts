import { m } from '#lib/paraglide/messages.js';
import type { AutomationKey } from '#lib/schemas/automation.ts';

// What staff call each automation, and what sends it.

export function automationName(key: AutomationKey): string {
	switch (key) {
		case 'welcome-1':
			return m.automation_name_welcome_1();
		case 'welcome-2':
			return m.automation_name_welcome_2();
		case 'petition-thanks':
			return m.automation_name_petition_thanks();
		case 'gift-at-work':
			return m.automation_name_gift_at_work();
	}
}

export function automationTrigger(key: AutomationKey): string {
	switch (key) {
		case 'welcome-1':
			return m.automation_trigger_welcome_1();
		case 'welcome-2':
			return m.automation_trigger_welcome_2();
		case 'petition-thanks':
			return m.automation_trigger_petition_thanks();
		case 'gift-at-work':
			return m.automation_trigger_gift_at_work();
	}
}

export function delayHint(key: AutomationKey): string {
	switch (key) {
		case 'welcome-1':
			return m.automation_delay_hint_welcome_1();
		case 'welcome-2':
			return m.automation_delay_hint_welcome_2();
		default:
			return m.automation_delay_hint_gift_at_work();
	}
}
