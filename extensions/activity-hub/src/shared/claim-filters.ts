// What a claim may be narrowed to: activity types and channels. One check for every way to claim (the HTTP API and
// the Claim activities flow operation), so a filter the API refuses is refused in a flow too.
import { ACTIVITY_TYPES, type ActivityType, isActivityType } from './activity.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClaimFilters {
	types?: ActivityType[];
	channels?: string[];
}

/** A filter that is not a list of activity types or of channel ids; `message` says which. */
export class ClaimFilterError extends Error {}

/** `types` and `channels` as given (undefined or null: no filter; an empty list: no filter either). */
export function claimFilters(input: { types?: unknown; channels?: unknown }): ClaimFilters {
	const { types, channels } = input;
	if (types != null && (!Array.isArray(types) || !types.every(isActivityType)))
		throw new ClaimFilterError(`types must be a list of ${ACTIVITY_TYPES.join(', ')}`);
	if (
		channels != null &&
		(!Array.isArray(channels) || !channels.every((c: unknown) => typeof c === 'string' && UUID.test(c)))
	)
		throw new ClaimFilterError('channels must be a list of channel ids');
	return {
		...(types != null ? { types: types as ActivityType[] } : {}),
		...(channels != null ? { channels: channels as string[] } : {}),
	};
}
