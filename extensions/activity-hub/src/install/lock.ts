// One installer at a time across a cluster. PostgreSQL: a transaction-scoped advisory lock, released by the server if
// the holder dies. SQLite (one host): a lease row in the install record, renewed while held and taken over once expired.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { dialectOf } from '../runtime/context.js';
import { RECORD_TABLE } from './record.js';

const ADVISORY_KEY = 0x41637448; // 'ActH'
const LEASE_KEY = '_lock';
const LEASE_MS = 60_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withInstallLock<T>(database: Knex, work: () => Promise<T>, waiting: () => void): Promise<T> {
	if (dialectOf(database) === 'postgres')
		return database.transaction(async (trx) => {
			const got = await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS got', [ADVISORY_KEY]);

			if (!got.rows[0].got) {
				waiting();
				await trx.raw('SELECT pg_advisory_xact_lock(?)', [ADVISORY_KEY]);
			}

			return work();
		});

	const owner = randomUUID();
	const lease = () => ({ key: LEASE_KEY, value: owner, updated_at: String(Date.now() + LEASE_MS) });

	for (let announced = false, vanished = 0; ;) {
		try {
			await database(RECORD_TABLE).insert(lease());
			break;
		} catch (error) {
			const held = await database(RECORD_TABLE).where({ key: LEASE_KEY }).first('value', 'updated_at');
			// Released between our insert and this read: try again, but an insert that fails with no lease held is a real error.
			if (!held && ++vanished > 3) throw error;
			if (!held) continue;

			if (Number(held.updated_at) < Date.now())
				await database(RECORD_TABLE).where({ key: LEASE_KEY, value: held.value }).delete();
			else if (!announced) {
				announced = true;
				waiting();
			}

			await sleep(250);
		}
	}

	const renew = setInterval(
		() =>
			void database(RECORD_TABLE)
				.where({ key: LEASE_KEY, value: owner })
				.update({ updated_at: lease().updated_at })
				.catch(() => {}),
		LEASE_MS / 4,
	);

	try {
		return await work();
	} finally {
		clearInterval(renew);
		await database(RECORD_TABLE).where({ key: LEASE_KEY, value: owner }).delete();
	}
}

/**
 * A named lease held by one process of the cluster at a time (a mailbox channel's syncer): a row in the install
 * record, like the SQLite install lock, on either database. Taken when free or expired, renewed by its holder,
 * released on stop; a holder that dies loses it `ms` after its last renewal, and another instance takes it over.
 */
export class ClusterLease {
	private held = false;

	constructor(
		private database: Knex,
		readonly key: string,
		readonly owner: string,
		private ms: number,
	) {}

	private expiry = () => String(Date.now() + this.ms).padStart(15, '0');
	private now = () => String(Date.now()).padStart(15, '0');

	/** Takes the lease if no live holder has it (true), or renews it if this owner holds it. */
	async acquire(): Promise<boolean> {
		if (this.held) return this.renew();
		await this.database(RECORD_TABLE).where({ key: this.key }).andWhere('updated_at', '<', this.now()).delete();

		try {
			await this.database(RECORD_TABLE).insert({ key: this.key, value: this.owner, updated_at: this.expiry() });
			this.held = true;
		} catch {
			const row = await this.database(RECORD_TABLE).where({ key: this.key }).first('value');
			this.held = row?.value === this.owner;
		}

		return this.held;
	}

	/** Extends the lease; false when it was lost (expired and taken by another instance). */
	async renew(): Promise<boolean> {
		const updated = await this.database(RECORD_TABLE)
			.where({ key: this.key, value: this.owner })
			.update({ updated_at: this.expiry() });

		this.held = Number(updated) > 0;
		return this.held;
	}

	async release(): Promise<void> {
		this.held = false;
		await this.database(RECORD_TABLE).where({ key: this.key, value: this.owner }).delete();
	}

	get isHeld() {
		return this.held;
	}
}
