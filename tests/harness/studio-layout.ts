// The Studio layout the schema snapshot carries, as the install and schema suites both check it.

/** The channel form's closed Advanced group, in order; the last four (the counters) are hidden. */
export const ADVANCED_MEMBERS = [
	'key_prefix',
	'max_request_bytes',
	'max_file_bytes',
	'max_files',
	'last_received_at',
	'received_count',
	'duplicate_count',
	'rejected_count',
];

/** The contact page's closed Contact details group, in order (the name stays above it). */
export const DETAIL_MEMBERS = ['company', 'emails', 'phones', 'owner'];
