// The Studio uploader's bookkeeping, kept out of the component: the checks the server will apply (so a refusal
// shows before any byte is sent) and which waiting files start next under bounded parallelism.
import { mimeAllowed } from './filenames.js';

export type UploadState = 'waiting' | 'uploading' | 'done' | 'failed' | 'cancelled' | 'refused';

export interface UploadItem {
	/** Stable row key: rows are keyed by id, never by position, so retries and removals cannot shuffle them. */
	id: string;
	name: string;
	size: number;
	type: string;
	state: UploadState;
	/** 0..1 */
	progress: number;
	error: string | null;
	activityId: string | null;
}

export interface UploadLimits {
	maxFileBytes: number;
	maxFiles: number;
	allowedMimeTypes: string[];
}

export const UPLOAD_PARALLELISM = 4;

const MB = 1024 * 1024;

/** Byte limits as people set them: in MB (two decimals), stored in bytes. */
export const toMegabytes = (bytes: number) => Math.round((bytes / MB) * 100) / 100;
export const fromMegabytes = (megabytes: number) => Math.round(megabytes * MB);

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB'];
	let value = bytes / 1024;
	let unit = 0;

	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

/** Why the server would refuse this file, or null. The browser's type may be empty: then the server's sniffing decides. */
export function clientRefusal(file: { name: string; size: number; type: string }, limits: UploadLimits): string | null {
	if (file.size === 0) return 'The file is empty';
	if (file.size > limits.maxFileBytes) return `Larger than this channel's limit of ${formatBytes(limits.maxFileBytes)}`;
	if (file.type && !mimeAllowed(file.type, limits.allowedMimeTypes))
		return `${file.type} files are not accepted by this channel`;
	return null;
}

/** The waiting items to start now so that at most `parallelism` upload at once, in the order they were added. */
export function toStart(items: UploadItem[], parallelism = UPLOAD_PARALLELISM): UploadItem[] {
	const running = items.filter((item) => item.state === 'uploading').length;
	return items.filter((item) => item.state === 'waiting').slice(0, Math.max(0, parallelism - running));
}

/** New items for the picked files: refused ones carry their reason and never start. */
export function addFiles(
	files: Array<{ name: string; size: number; type: string }>,
	limits: UploadLimits,
	nextId: () => string,
): UploadItem[] {
	return files.map((file) => {
		const refusal = clientRefusal(file, limits);
		return {
			id: nextId(),
			name: file.name,
			size: file.size,
			type: file.type,
			state: refusal ? 'refused' : 'waiting',
			progress: 0,
			error: refusal,
			activityId: null,
		};
	});
}

/** The server's error message from a Directus-style `{ errors: [{ message }] }` body. */
export function serverMessage(body: unknown, status: number): string {
	const message = (body as { errors?: Array<{ message?: unknown }> } | null)?.errors?.[0]?.message;
	return typeof message === 'string' && message ? message : `Upload failed (HTTP ${status})`;
}
