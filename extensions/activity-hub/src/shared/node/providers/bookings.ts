// Meetings from booking tools (Cal.com, Calendly) and Zoom, normalised once: one meeting activity per booking, its
// first uid as external_id; creation, reschedule and cancellation are upserts (ActivityUpdate) keyed on every uid the
// booking has had, so a reschedule changes the stored row in place and deliveries out of order keep the newest state.
import type { ActivityDraft, ActivityUpdate, ChannelSettings } from './types.js';
import { draftDefaults, text } from './types.js';

export interface Person {
	name: string | null;
	email: string | null;
}

export interface Booking {
	/** The provider's name, as stored in `payload.source`. */
	source: 'calcom' | 'calendly' | 'zoom';
	/** created, rescheduled (moved in time: a new uid replacing `previousUid`) or cancelled. */
	change: 'created' | 'rescheduled' | 'cancelled';
	uid: string;
	previousUid?: string | null;
	/** When the provider says this change happened: orders deliveries. */
	eventAt: Date;
	title: string | null;
	start: Date | null;
	end: Date | null;
	organizer: Person | null;
	/** The external attendees, in the provider's order (hosts and team members excluded). */
	attendees: Person[];
	location?: string | null;
	cancellationReason?: string | null;
	/** Provider extras kept in payload. */
	extra?: Record<string, unknown>;
}

const minutes = (start: Date | null, end: Date | null) =>
	start && end ? Math.round((end.getTime() - start.getTime()) / 60_000) : null;

export const personOf = (name: unknown, email: unknown): Person => ({
	name: text(name, 200),
	email: text(email, 320),
});

/** `Ana Ruiz <ana@example.com>`, or the address alone. */
function address(person: Person) {
	if (!person.email) return null;
	return person.name ? `${person.name.replace(/[<>"]/g, '')} <${person.email}>` : person.email;
}

/** The upsert a booking change is: the row to insert when none of its uids is stored yet, else what to change. */
export function bookingUpdate(booking: Booking, channel: ChannelSettings, now: Date): ActivityUpdate {
	const cancelled = booking.change === 'cancelled';
	const keys = [booking.previousUid, booking.uid].filter((key): key is string => !!key).map((k) => k.slice(0, 255));
	const status = cancelled ? 'cancelled' : 'scheduled';
	const attendees = booking.attendees.filter((person) => person.email || person.name);

	const payload: Record<string, unknown> = {
		source: booking.source,
		booking_uid: booking.uid,
		status,
		title: booking.title,
		start: booking.start?.toISOString() ?? null,
		end: booking.end?.toISOString() ?? null,
		duration_minutes: minutes(booking.start, booking.end),
		organizer: booking.organizer,
		attendees,
		location: booking.location ?? null,
		...(cancelled ? { cancellation_reason: booking.cancellationReason ?? null } : {}),
		...(booking.change === 'rescheduled' ? { rescheduled_from: booking.previousUid ?? null } : {}),
		...booking.extra,
	};

	const subject = booking.title ? booking.title.slice(0, 1000) : 'Meeting';
	const when = booking.start ? booking.start.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'unscheduled';

	const content = cancelled
		? `Cancelled${booking.cancellationReason ? `: ${booking.cancellationReason}` : ''}`
		: `${booking.change === 'rescheduled' ? 'Rescheduled to' : 'Booked for'} ${when}`;

	const draft: ActivityDraft = {
		...draftDefaults(channel, now),
		type: 'meeting',
		direction: 'inbound',
		// The first uid the booking is known by: a reschedule seen first stores the booking's earlier uid.
		external_id: keys[0] ?? null,
		subject,
		content,
		sender: booking.organizer ? address(booking.organizer) : null,
		recipient: attendees.map(address).filter(Boolean).join(', ').slice(0, 10_000) || null,
		occurred_at: booking.start ?? now,
		payload,
		metadata: { booking_status: status },
		attendees: attendees.map((person) => person.email).filter((email): email is string => !!email),
	};

	return {
		keys,
		eventAt: booking.eventAt,
		set: { subject, content, ...(booking.start ? { occurred_at: booking.start } : {}) },
		payload,
		metadata: { booking_status: status },
		otherwise: draft,
	};
}
