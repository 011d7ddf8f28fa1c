export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	password: string;
	createDatabase(name: string, template?: string): Promise<void>;
	stop(): Promise<void>;
}
export function startPostgres(parentDir: string): Promise<PostgresServer>;
