import { describe, expect, it } from 'vitest';
import { advanceDelivery, type DeliveryStatus } from './activity.js';
import { decideSend, retryDelayMs, smsCount, smsSegments, whatsappWindowOpen } from './delivery.js';

describe('decideSend', () => {
	it.each([
		[{ kind: 'response', status: 201, message: 'ok', providerId: 'SM1' }, 1, { status: 'sent', providerId: 'SM1' }],
		[{ kind: 'response', status: 500, message: 'boom' }, 1, { status: 'queued', retryInMs: 1000, error: '500: boom' }],
		[{ kind: 'response', status: 429, message: 'slow' }, 2, { status: 'queued', retryInMs: 4000, error: '429: slow' }],
		[{ kind: 'response', status: 503, message: 'x' }, 5, { status: 'failed', error: '503: x (after 5 attempts)' }],
		[{ kind: 'response', status: 400, message: 'bad To' }, 1, { status: 'failed', error: '400: bad To' }],
		[{ kind: 'not-sent', message: 'ECONNREFUSED' }, 1, { status: 'queued', retryInMs: 1000, error: 'ECONNREFUSED' }],
		[
			{ kind: 'lost', message: 'timeout' },
			1,
			{ status: 'unknown', error: 'No answer after sending (the provider may have it): timeout' },
		],
	] as const)('%o at attempt %i', (result, attempt, expected) => {
		expect(decideSend(result as any, attempt)).toEqual(expected);
	});

	it('backs off and caps', () => {
		expect([1, 2, 3, 4, 9].map(retryDelayMs)).toEqual([1000, 4000, 16000, 64000, 300000]);
	});
});

describe('advanceDelivery', () => {
	it.each<[DeliveryStatus | null, DeliveryStatus, DeliveryStatus | null]>([
		[null, 'queued', 'queued'],
		['sending', 'sent', 'sent'],
		['sent', 'delivered', 'delivered'],
		['delivered', 'sent', null],
		['read', 'delivered', null],
		['delivered', 'read', 'read'],
		['sent', 'failed', 'failed'],
		['delivered', 'failed', null],
		['failed', 'delivered', 'delivered'],
		['failed', 'sent', null],
		['unknown', 'delivered', 'delivered'],
		['unknown', 'sent', 'sent'],
		['sent', 'sent', null],
	])('%s + %s → %s', (current, incoming, expected) => {
		expect(advanceDelivery(current, incoming)).toBe(expected);
	});
});

describe('whatsappWindowOpen', () => {
	const now = new Date('2026-01-02T12:00:00Z');

	it.each([
		[null, false],
		[new Date('2026-01-02T00:00:00Z'), true],
		[new Date('2026-01-01T12:00:01Z'), true],
		[new Date('2026-01-01T12:00:00Z'), false],
	])('%s → %s', (last, open) => expect(whatsappWindowOpen(last, now)).toBe(open));
});

describe('smsSegments', () => {
	it.each([
		['', { encoding: 'GSM-7', segments: 0 }],
		['Hello', { encoding: 'GSM-7', segments: 1 }],
		['a'.repeat(160), { encoding: 'GSM-7', segments: 1 }],
		['a'.repeat(161), { encoding: 'GSM-7', segments: 2 }],
		['€'.repeat(80), { encoding: 'GSM-7', segments: 1 }],
		['€'.repeat(81), { encoding: 'GSM-7', segments: 2 }],
		['Grüße 😀', { encoding: 'UCS-2', segments: 1 }],
		['ł'.repeat(71), { encoding: 'UCS-2', segments: 2 }],
	] as const)('%s', (text, expected) => expect(smsSegments(text)).toEqual(expected));
});

describe('smsCount', () => {
	it.each([
		['', { encoding: 'GSM-7', units: 0, segments: 0, perSegment: 160, remaining: 160 }],
		['Hello', { encoding: 'GSM-7', units: 5, segments: 1, perSegment: 160, remaining: 155 }],
		['a'.repeat(160), { encoding: 'GSM-7', units: 160, segments: 1, perSegment: 160, remaining: 0 }],
		['a'.repeat(161), { encoding: 'GSM-7', units: 161, segments: 2, perSegment: 153, remaining: 145 }],
		['a'.repeat(306), { encoding: 'GSM-7', units: 306, segments: 2, perSegment: 153, remaining: 0 }],
		['a'.repeat(307), { encoding: 'GSM-7', units: 307, segments: 3, perSegment: 153, remaining: 152 }],
		// An escape pair at septets 153–154 starts the second segment instead of straddling it.
		[
			'a'.repeat(152) + '€' + 'a'.repeat(10),
			{ encoding: 'GSM-7', units: 164, segments: 2, perSegment: 153, remaining: 141 },
		],
		['{}', { encoding: 'GSM-7', units: 4, segments: 1, perSegment: 160, remaining: 156 }],
		['Grüße 😀', { encoding: 'UCS-2', units: 8, segments: 1, perSegment: 70, remaining: 62 }],
		['ł'.repeat(70), { encoding: 'UCS-2', units: 70, segments: 1, perSegment: 70, remaining: 0 }],
		['ł'.repeat(71), { encoding: 'UCS-2', units: 71, segments: 2, perSegment: 67, remaining: 63 }],
		['ł'.repeat(134), { encoding: 'UCS-2', units: 134, segments: 2, perSegment: 67, remaining: 0 }],
		// A surrogate pair at units 67–68 starts the second segment.
		[
			'ł'.repeat(66) + '😀' + 'ł'.repeat(5),
			{ encoding: 'UCS-2', units: 73, segments: 2, perSegment: 67, remaining: 60 },
		],
	] as const)('%s', (text, expected) => expect(smsCount(text)).toEqual(expected));
});
