// Group commit for the queue's statements, as the ingest writer does for activities: while one statement of a kind
// is in flight, the calls that arrive wait and then run together as one statement. A lone call runs at once (no
// added latency); eight workers claiming one each cost one claim statement instead of eight. Each call still gets
// exactly its own result: every claimed row has its own lease, every completion is fenced by its own token.
import type { Knex } from 'knex';

interface Group<In, Out> {
	waiting: Waiting<In, Out>[];
	running: number;
}

interface Waiting<In, Out> {
	input: In;
	resolve: (output: Out) => void;
	reject: (error: unknown) => void;
}

export interface GroupOptions<In, Out> {
	/** Runs several inputs as one statement; one output per input, in order. */
	run: (inputs: In[]) => Promise<Out[]>;
	/** Whether `next` may join the inputs already gathered (same statement shape, disjoint rows, size bound). */
	joins: (gathered: In[], next: In) => boolean;
}

/** One group per key (a statement's shape): calls arriving while its statement is in flight wait, then run merged as far as `joins` allows. */
export function groupCommit<In, Out>(options: GroupOptions<In, Out>) {
	const groups = new Map<string, Group<In, Out>>();

	const drain = async (key: string, group: Group<In, Out>) => {
		group.running++;

		try {
			while (group.waiting.length > 0) {
				const batch = [group.waiting.shift()!];

				for (let i = 0; i < group.waiting.length;) {
					const next = group.waiting[i]!;

					if (
						options.joins(
							batch.map((w) => w.input),
							next.input,
						)
					)
						batch.push(...group.waiting.splice(i, 1));
					else i++;
				}

				try {
					const outputs = await options.run(batch.map((w) => w.input));
					batch.forEach((w, index) => w.resolve(outputs[index]!));
				} catch (error) {
					if (batch.length === 1) batch[0]!.reject(error);
					// A merged statement failed as a whole (nothing changed): each call on its own, so one bad call fails alone.
					else
						for (const w of batch)
							await options.run([w.input]).then(
								(outputs) => w.resolve(outputs[0]!),
								(e) => w.reject(e),
							);
				}
			}
		} finally {
			group.running--;
			if (group.running === 0 && group.waiting.length === 0) groups.delete(key);
		}
	};

	return (key: string, input: In): Promise<Out> =>
		new Promise((resolve, reject) => {
			let group = groups.get(key);

			if (!group) {
				group = { waiting: [], running: 0 };
				groups.set(key, group);
			}

			group.waiting.push({ input, resolve, reject });
			if (group.running === 0) void drain(key, group);
		});
}

/** Group commit per database handle. A transaction runs its statements itself: they must see its own writes. */
export function perDatabase<In, Out>(make: (database: Knex) => (key: string, input: In) => Promise<Out>) {
	const byDatabase = new WeakMap<Knex, (key: string, input: In) => Promise<Out>>();

	return (database: Knex): ((key: string, input: In) => Promise<Out>) | null => {
		if ((database as Knex & { isTransaction?: boolean }).isTransaction) return null;
		let grouped = byDatabase.get(database);

		if (!grouped) {
			grouped = make(database);
			byDatabase.set(database, grouped);
		}

		return grouped;
	};
}
