// adapter-node has one body limit for the whole site (BODY_SIZE_LIMIT, 21M in
// `npm start` so a 20 MB supporter import fits). Every other request stays small:
// anything larger than MAX_BODY_BYTES is refused before it is read.

export const MAX_BODY_BYTES = 512 * 1024;

/** Where a large body is expected: the supporter import's upload (it checks its own size). */
const LARGE_BODY_PATHS = [/^(\/fr)?\/admin\/supporters\/import$/];

export function isTooLarge(request: Request, url: URL): boolean {
	const length = Number(request.headers.get('content-length') ?? 0);
	if (!(length > MAX_BODY_BYTES)) return false;
	return !LARGE_BODY_PATHS.some((pattern) => pattern.test(url.pathname));
}
