// Original file names are kept only as display metadata, never as storage paths: strip directories,
// NUL and control characters, normalise Unicode, and bound the length.
export function sanitiseFilename(name: unknown, fallback = 'file'): string {
	if (typeof name !== 'string') return fallback;
	const base = name.normalize('NFC').split(/[/\\]/).pop() ?? '';

	const clean = base
		// eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
		.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
		.replace(/[<>:"|?*]/g, '_')
		.replace(/^[.\s]+/, '')
		.trim();

	if (!clean) return fallback;
	if ([...clean].length <= 200) return clean;
	const dot = clean.lastIndexOf('.');
	const extension = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
	return [...clean.slice(0, clean.length - extension.length)].slice(0, 200 - extension.length).join('') + extension;
}

/** `image/*`-style patterns; an empty list allows every type. */
export function mimeAllowed(type: string, patterns: unknown): boolean {
	if (!Array.isArray(patterns) || patterns.length === 0) return true;
	return patterns.some((pattern) => {
		if (typeof pattern !== 'string') return false;
		const p = pattern.trim().toLowerCase();
		return p.endsWith('/*') ? type.toLowerCase().startsWith(p.slice(0, -1)) : type.toLowerCase() === p;
	});
}

/**
 * Why a sender's file name is refused, or null. Browsers send bare names; a path, a control character or a name
 * longer than file systems allow (255 bytes) only comes from a crafted request.
 */
export function filenameRefusal(name: unknown): string | null {
	if (name === undefined || name === null || name === '') return null;
	if (typeof name !== 'string') return 'not text';
	if (/[/\\]/.test(name) || name === '..' || name === '.') return 'contains a path';
	// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
	if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains control characters';
	if (Buffer.byteLength(name, 'utf8') > 255) return 'longer than 255 bytes';
	return null;
}
