export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	password: string;
	/** POST `${control}/restart?mode=immediate|fast` restarts the server on the same port. */
	control: string;
	createDatabase(name: string, template?: string): Promise<void>;
	stop(): Promise<void>;
}
export function startPostgres(parentDir: string): Promise<PostgresServer>;
