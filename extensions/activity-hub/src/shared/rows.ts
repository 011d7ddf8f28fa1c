// The rows the Studio components show, as the API returns them for the timeline's field lists (TIMELINE_FIELDS,
// NOTE_FIELDS in display.ts): typed once instead of `any` in every component.
import type { ActivityStatus, ActivityType, DeliveryStatus, Direction, MatchStatus } from './activity.js';

export type ItemId = string | number;

export interface FileRow {
	id: string;
	type: string | null;
	filename_download: string;
}

export interface ProcessedData {
	summary?: string;
	facts?: unknown;
	transcript?: unknown;
	[key: string]: unknown;
}

export interface ActivityRow {
	id: string;
	type: ActivityType;
	direction: Direction;
	status: ActivityStatus;
	channel: string | null;
	contact: ItemId | null;
	owner: string | null;
	subject: string | null;
	content: string | null;
	sender: string | null;
	recipient: string | null;
	occurred_at: string;
	/** The conversation (shared/threads.ts): e-mails sharing it are one timeline entry. */
	thread_key?: string | null;
	last_error: string | null;
	lease_owner: string | null;
	attempts: number;
	processed_data: ProcessedData | null;
	metadata: Record<string, unknown> | null;
	match_status: MatchStatus | null;
	match_candidates: ItemId[] | null;
	/** Outbound messages only (null on inbound activities): where the message is, and why it failed. */
	delivery_status?: DeliveryStatus | null;
	delivery_error?: string | null;
	attachments?: Array<{ directus_files_id: FileRow | null }>;
}

/** The activity a note was made from, as NOTE_FIELDS reads it (its channel and time stay visible on the note). */
export interface NoteActivity {
	id: string;
	type: ActivityType;
	direction: Direction;
	channel: string | null;
	occurred_at: string;
}

export interface NoteRow {
	id: number;
	contact: ItemId;
	content: string;
	author: string | null;
	source: 'person' | 'agent' | null;
	activity: NoteActivity | string | null;
	date_created: string;
}

export interface ChannelRow {
	id: string;
	name: string;
}

/** What the contact search (GET /activity-hub/contacts/search) returns for one contact. */
export interface ContactChoice {
	id: ItemId;
	name: string;
	detail: string;
}
