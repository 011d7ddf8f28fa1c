// What a claim may be narrowed to: activity types and channels. One check for every way to claim (the HTTP API, the
// MCP tool and the Claim activities flow operation), so a filter the API refuses is refused in a flow too.
import { ACTIVITY_TYPES, type ActivityType, isActivityType } from './activity.js';
import { InvalidPayloadError } from './errors.js';
import { isUuid } from './ids.js';

export interface ClaimFilters {
	types?: ActivityType[];
	channels?: string[];
}

/** `types` and `channels` as given (undefined or null: no filter; an empty list: no filter either). */
export function claimFilters(input: { types?: unknown; channels?: unknown }): ClaimFilters {
	const { types, channels } = input;
	if (types != null && (!Array.isArray(types) || !types.every(isActivityType)))
		throw new InvalidPayloadError(`types must be a list of ${ACTIVITY_TYPES.join(', ')}`);
	if (channels != null && (!Array.isArray(channels) || !channels.every(isUuid)))
		throw new InvalidPayloadError('channels must be a list of channel ids');
	return {
		...(types != null ? { types: types as ActivityType[] } : {}),
		...(channels != null ? { channels: channels as string[] } : {}),
	};
}
