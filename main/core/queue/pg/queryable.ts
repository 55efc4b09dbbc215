import type pg from 'pg';

/** Either the pool (each query its own transaction) or one client inside a transaction: what every pg helper takes. */
export type Queryable = Pick<pg.ClientBase, 'query'>;
