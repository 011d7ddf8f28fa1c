// Calendly webhooks (JSON). Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(signing key,
// `${t}.${raw body}`)>, within ±3 minutes. invitee.created (old_invitee set: a reschedule of that booking) and
// invitee.canceled (rescheduled: true is the old half of a reschedule and changes nothing) become one meeting
// activity per booking, the invitee's URI as its uid (bookings.ts).
import { createHmac } from 'node:crypto';
import { safeEqual } from '../keys.js';
import { bookingUpdate, personOf } from './bookings.js';
import { IngestError, jsonBody, type ProviderAdapter, text, toDate } from './types.js';

export const CALENDLY_TOLERANCE_SECONDS = 3 * 60;

export function calendlySignature(signingKey: string, timestamp: string, rawBody: Buffer): string {
	return createHmac('sha256', signingKey)
		.update(Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), rawBody]))
		.digest('hex');
}

/** `t=…,v1=…` (several v1 allowed) as its parts. */
export function calendlySignatureHeader(header: string): { t: string | null; v1: string[] } {
	const parts = header.split(',').map((part) => part.trim().split('='));
	return {
		t: parts.find(([key]) => key === 't')?.[1] ?? null,
		v1: parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value!.toLowerCase()),
	};
}

export const calendly: ProviderAdapter = {
	accepts: ['json'],
	verify(request, channel, now) {
		const key = channel.secrets.signing_key;
		if (!key) return;
		const header = request.headers['calendly-webhook-signature'];
		if (!header)
			throw new IngestError(401, 'SIGNATURE_MISSING', 'Calendly-Webhook-Signature is required on this channel');
		const { t, v1 } = calendlySignatureHeader(header);
		if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0)
			throw new IngestError(401, 'SIGNATURE_INVALID', 'Calendly-Webhook-Signature must be t=<seconds>,v1=<hex>');
		if (Math.abs(now.getTime() / 1000 - Number(t)) > CALENDLY_TOLERANCE_SECONDS)
			throw new IngestError(401, 'SIGNATURE_EXPIRED', 'Calendly-Webhook-Signature timestamp is not within 3 minutes');
		const expected = calendlySignature(key, t, request.rawBody);
		if (!v1.some((candidate) => safeEqual(expected, candidate)))
			throw new IngestError(401, 'SIGNATURE_INVALID', 'Calendly-Webhook-Signature does not match');
	},
	parse(request, channel, now) {
		const body = jsonBody(request) as { event?: unknown; created_at?: unknown; payload?: any } | null;
		if (!body || typeof body !== 'object' || typeof body.event !== 'string')
			throw new IngestError(422, 'INVALID_FIELDS', 'Not a Calendly webhook (no event)');
		if (body.event !== 'invitee.created' && body.event !== 'invitee.canceled') return { activities: [] };
		const invitee = body.payload;
		const uid = text(invitee?.uri, 255);
		if (!invitee || typeof invitee !== 'object' || !uid)
			throw new IngestError(422, 'INVALID_FIELDS', `Calendly ${body.event} without payload.uri`);
		// The cancelled half of a reschedule: the invitee.created naming it as old_invitee moves the booking.
		if (body.event === 'invitee.canceled' && invitee.rescheduled === true) return { activities: [] };
		const event = invitee.scheduled_event ?? {};
		const previousUid = body.event === 'invitee.created' ? text(invitee.old_invitee, 255) : null;
		const host = Array.isArray(event.event_memberships) ? event.event_memberships[0] : null;

		const guests = (Array.isArray(event.event_guests) ? event.event_guests : [])
			.filter((guest: any) => guest && typeof guest.email === 'string')
			.map((guest: any) => personOf(null, guest.email));

		const created = previousUid ? 'rescheduled' : 'created';

		const update = bookingUpdate(
			{
				source: 'calendly',
				change: body.event === 'invitee.canceled' ? 'cancelled' : created,
				uid,
				previousUid,
				eventAt: toDate(body.created_at, now),
				title: text(event.name, 1000),
				start: event.start_time ? toDate(event.start_time, now) : null,
				end: event.end_time ? toDate(event.end_time, now) : null,
				organizer: host ? personOf(host.user_name, host.user_email) : null,
				attendees: [personOf(invitee.name, invitee.email), ...guests],
				location: text(event.location?.location ?? event.location?.join_url ?? event.location?.type, 1000),
				cancellationReason: text(invitee.cancellation?.reason, 2000),
				extra: { scheduled_event: text(event.uri, 500), timezone: text(invitee.timezone, 100) },
			},
			channel,
			now,
		);

		return { activities: [], updates: [update] };
	},
};
