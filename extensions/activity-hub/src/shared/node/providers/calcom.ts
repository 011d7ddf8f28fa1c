// Cal.com webhooks (JSON). X-Cal-Signature-256 = hex(HMAC-SHA256(the webhook's secret, raw body)).
// BOOKING_CREATED, BOOKING_RESCHEDULED (payload.uid is the new booking, payload.rescheduleUid the one it replaces)
// and BOOKING_CANCELLED become one meeting activity per booking (bookings.ts); PING and other triggers store nothing.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../keys.js';
import { bookingUpdate, personOf } from './bookings.js';
import { IngestError, jsonBody, type ProviderAdapter, text, toDate } from './types.js';

export function calcomSignature(secret: string, rawBody: Buffer): string {
	return createHmac('sha256', secret).update(rawBody).digest('hex');
}

const CHANGES = {
	BOOKING_CREATED: 'created',
	BOOKING_RESCHEDULED: 'rescheduled',
	BOOKING_CANCELLED: 'cancelled',
} as const;

interface CalPerson {
	name?: unknown;
	email?: unknown;
}

export const calcom: ProviderAdapter = {
	accepts: ['json'],
	verify(request, channel) {
		const secret = channel.secrets.signing_secret;
		if (!secret) return;
		const signature = request.headers['x-cal-signature-256'];
		if (!signature) throw new IngestError(401, 'SIGNATURE_MISSING', 'X-Cal-Signature-256 is required on this channel');
		if (!safeEqual(calcomSignature(secret, request.rawBody), signature.trim().toLowerCase()))
			throw new IngestError(401, 'SIGNATURE_INVALID', 'X-Cal-Signature-256 does not match');
	},
	parse(request, channel, now) {
		const body = jsonBody(request) as { triggerEvent?: unknown; createdAt?: unknown; payload?: any } | null;
		if (!body || typeof body !== 'object' || typeof body.triggerEvent !== 'string')
			throw new IngestError(422, 'INVALID_FIELDS', 'Not a Cal.com webhook (no triggerEvent)');
		const change = CHANGES[body.triggerEvent as keyof typeof CHANGES];
		if (!change) return { activities: [] };
		const booking = body.payload;
		const uid = text(booking?.uid, 255);
		if (!booking || typeof booking !== 'object' || !uid)
			throw new IngestError(422, 'INVALID_FIELDS', `Cal.com ${body.triggerEvent} without payload.uid`);
		const people = (value: unknown): CalPerson[] => (Array.isArray(value) ? value.filter(Boolean) : []);

		const update = bookingUpdate(
			{
				source: 'calcom',
				change,
				uid,
				previousUid: change === 'rescheduled' ? text(booking.rescheduleUid, 255) : null,
				eventAt: toDate(body.createdAt, now),
				title: text(booking.title, 1000),
				start: booking.startTime ? toDate(booking.startTime, now) : null,
				end: booking.endTime ? toDate(booking.endTime, now) : null,
				organizer: booking.organizer ? personOf(booking.organizer.name, booking.organizer.email) : null,
				attendees: [
					...people(booking.attendees).map((p) => personOf(p.name, p.email)),
					...(Array.isArray(booking.responses?.guests?.value) ? booking.responses.guests.value : [])
						.filter((email: unknown) => typeof email === 'string')
						.map((email: string) => personOf(null, email)),
				],
				location: text(booking.location, 1000),
				cancellationReason: text(booking.cancellationReason, 2000),
				extra: { event_type: text(booking.type, 255), booking_id: booking.bookingId ?? null },
			},
			channel,
			now,
		);

		return { activities: [], updates: [update] };
	},
};
