import { describe, expect, it } from 'vitest';
import {
	addFiles,
	clientRefusal,
	formatBytes,
	fromMegabytes,
	serverMessage,
	toMegabytes,
	toStart,
	type UploadItem,
} from './uploads.js';

const limits = { maxFileBytes: 1024 * 1024, maxFiles: 20, allowedMimeTypes: ['image/*', 'application/pdf'] };

describe('clientRefusal', () => {
	it.each([
		['an allowed image', { name: 'a.png', size: 10, type: 'image/png' }, null],
		['a PDF', { name: 'a.pdf', size: 10, type: 'application/pdf' }, null],
		['an unknown browser type (the server sniffs)', { name: 'a.bin', size: 10, type: '' }, null],
		['an empty file', { name: 'a.png', size: 0, type: 'image/png' }, 'The file is empty'],
		[
			'a file over the limit',
			{ name: 'a.png', size: 1024 * 1024 + 1, type: 'image/png' },
			"Larger than this channel's limit of 1 MB",
		],
		[
			'a refused type',
			{ name: 'a.exe', size: 10, type: 'application/x-msdownload' },
			'application/x-msdownload files are not accepted by this channel',
		],
	])('%s', (_label, file, expected) => expect(clientRefusal(file, limits)).toBe(expected));

	it('accepts any type when the channel allows any', () =>
		expect(
			clientRefusal({ name: 'x', size: 1, type: 'text/x-weird' }, { ...limits, allowedMimeTypes: [] }),
		).toBeNull());
});

const item = (id: string, state: UploadItem['state']): UploadItem => ({
	id,
	name: id,
	size: 1,
	type: '',
	state,
	progress: 0,
	error: null,
	activityId: null,
});

describe('toStart', () => {
	it.each([
		['fills up to four from nothing', ['waiting', 'waiting', 'waiting', 'waiting', 'waiting'], ['0', '1', '2', '3']],
		['tops up what is running', ['uploading', 'uploading', 'uploading', 'waiting', 'waiting'], ['3']],
		['starts nothing when full', ['uploading', 'uploading', 'uploading', 'uploading', 'waiting'], []],
		[
			'skips finished, failed, cancelled and refused rows',
			['done', 'failed', 'cancelled', 'refused', 'waiting'],
			['4'],
		],
	] as const)('%s', (_label, states, expected) =>
		expect(toStart(states.map((s, i) => item(String(i), s))).map((i) => i.id)).toEqual(expected),
	);
});

describe('addFiles', () => {
	it('keys rows by generated id and marks refusals', () => {
		let n = 0;

		const items = addFiles(
			[
				{ name: 'ok.png', size: 5, type: 'image/png' },
				{ name: 'big.png', size: 2 ** 30, type: 'image/png' },
			],
			limits,
			() => `u${++n}`,
		);

		expect(items.map((i) => [i.id, i.state])).toEqual([
			['u1', 'waiting'],
			['u2', 'refused'],
		]);

		expect(items[1]!.error).toContain('limit');
	});
});

describe('formatBytes and serverMessage', () => {
	it.each([
		[512, '512 B'],
		[1536, '1.5 KB'],
		[25 * 1024 * 1024, '25 MB'],
		[3 * 1024 ** 3, '3 GB'],
	])('%i → %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

	it('reads the Directus error body', () =>
		expect(serverMessage({ errors: [{ message: 'File type x is not allowed' }] }, 415)).toBe(
			'File type x is not allowed',
		));

	it('falls back to the status', () => expect(serverMessage('<html>', 502)).toBe('Upload failed (HTTP 502)'));
});

describe('toMegabytes and fromMegabytes', () => {
	it('shows the default limits as whole MB', () => {
		expect(toMegabytes(36700160)).toBe(35);
		expect(toMegabytes(26214400)).toBe(25);
	});

	it('rounds to two decimals and back to whole bytes', () => {
		expect(toMegabytes(64 * 1024)).toBe(0.06);
		expect(fromMegabytes(25)).toBe(26214400);
		expect(fromMegabytes(0.5)).toBe(524288);
	});
});
