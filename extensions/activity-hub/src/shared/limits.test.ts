import { describe, expect, it } from 'vitest';
import { flowClaimOptions } from './limits.js';

describe('flowClaimOptions', () => {
	it.each([
		['nothing set', {}, { limit: 10, leaseSeconds: 300 }],
		['numbers', { limit: 25, lease_seconds: 60 }, { limit: 25, leaseSeconds: 60 }],
		['text from a template', { limit: '25', lease_seconds: '60' }, { limit: 25, leaseSeconds: 60 }],
		['too much', { limit: 1000, lease_seconds: 99_999 }, { limit: 100, leaseSeconds: 3600 }],
		['too little', { limit: -3, lease_seconds: 1 }, { limit: 1, leaseSeconds: 5 }],
		['unreadable', { limit: 'many', lease_seconds: 'long' }, { limit: 10, leaseSeconds: 300 }],
		['zero', { limit: 0, lease_seconds: 0 }, { limit: 10, leaseSeconds: 300 }],
	])('reads %s', (_, options, expected) => expect(flowClaimOptions(options)).toEqual(expected));
});
