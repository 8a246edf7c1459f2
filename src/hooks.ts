import type { Reroute } from '@sveltejs/kit/hooks';
import { deLocalizeUrl } from '#lib/paraglide/runtime.js';

// /fr/impact and /impact are the same route; the URL only sets the language.
export const reroute: Reroute = (request) => deLocalizeUrl(request.url).pathname;
