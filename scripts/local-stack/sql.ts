import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/** What the stack needs from a database connection: PGlite in process, or node-postgres. */
export interface Sql {
	exec(sql: string): Promise<void>;
	query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export function pgliteSql(db: PGlite): Sql {
	return {
		async exec(sql) {
			await db.exec(sql);
		},
		async query<Row>(sql: string, params?: unknown[]) {
			return (await db.query<Row>(sql, params)).rows;
		}
	};
}

export function pgSql(client: pg.Client): Sql {
	return {
		async exec(sql) {
			await client.query(sql);
		},
		async query<Row>(sql: string, params?: unknown[]) {
			return (await client.query(sql, params)).rows as Row[];
		}
	};
}
