// Ingestion keys: ≥ 32 random bytes, shown once, stored only as a SHA-256 hash plus a short display prefix.
// SHA-256 (not a slow KDF) is right for high-entropy random keys: nothing to brute-force.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'ahk_';

export function generateIngestionKey(): { key: string; hash: string; prefix: string } {
	const key = KEY_PREFIX + randomBytes(32).toString('base64url');
	return { key, hash: hashKey(key), prefix: key.slice(0, KEY_PREFIX.length + 6) };
}

export function hashKey(key: string): string {
	return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings of any length (compares fixed-length digests). */
export function safeEqual(a: string, b: string): boolean {
	const da = createHash('sha256').update(a).digest();
	const db = createHash('sha256').update(b).digest();
	return timingSafeEqual(da, db) && a.length === b.length;
}

export type KeySource = 'header' | 'bearer' | 'basic' | 'query';

/**
 * Where a caller may put the key: `X-Ingestion-Key`, `Authorization: Bearer`, `Authorization: Basic`
 * (password = key, for providers that only take credentials in the URL, e.g. Postmark) or `?key=`
 * (for providers that cannot set headers; weaker, since URLs end up in logs).
 */
export function keyFromRequest(
	headers: Record<string, string | string[] | undefined>,
	query: Record<string, unknown>,
): { key: string; source: KeySource } | null {
	const header = first(headers['x-ingestion-key']);
	if (header) return { key: header.trim(), source: 'header' };
	const authorization = first(headers['authorization'])?.trim();

	if (authorization) {
		const [scheme, ...rest] = authorization.split(/\s+/);
		const credentials = rest.join(' ');
		if (/^bearer$/i.test(scheme ?? '') && credentials) return { key: credentials, source: 'bearer' };

		if (/^basic$/i.test(scheme ?? '') && credentials) {
			const decoded = Buffer.from(credentials, 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			const password = colon >= 0 ? decoded.slice(colon + 1) : decoded;
			const user = colon >= 0 ? decoded.slice(0, colon) : '';
			const key = password || user;
			if (key) return { key, source: 'basic' };
		}
	}

	const fromQuery = query['key'];
	if (typeof fromQuery === 'string' && fromQuery) return { key: fromQuery, source: 'query' };
	return null;
}

function first(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

export const REDACTED = '--redacted--';

/** `?key=…` replaced in a request path, so access logs never carry a key. */
export const redactKeyInUrl = (url: string): string => url.replace(/([?&]key=)[^&#]*/gi, `$1${REDACTED}`);

/**
 * Directus's access log serialises the request after the response (URL and headers; it already censors
 * Authorization and cookies): once the key has been read, nothing of it is left on the request to log.
 */
export function redactIngestionKey(req: { url: string; originalUrl?: string; headers: Record<string, unknown> }): void {
	if (req.headers['x-ingestion-key'] !== undefined) req.headers['x-ingestion-key'] = REDACTED;
	req.url = redactKeyInUrl(req.url);
	if (req.originalUrl !== undefined) req.originalUrl = redactKeyInUrl(req.originalUrl);
}
