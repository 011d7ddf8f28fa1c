/** Appends `value` to the list under `key`, creating it on first use (in place: grouping n values stays O(n)). */
export function appendTo<K, V>(groups: Map<K, V[]>, key: K, value: V): void {
	const values = groups.get(key);
	if (values) values.push(value);
	else groups.set(key, [value]);
}
