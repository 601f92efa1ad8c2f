/** Runs one statement and answers its rows (adapters: `sqlOf(entityManager)`, `sqlOfPool(pool)`). */
export type Sql = <Row = Record<string, unknown>>(text: string, params?: readonly unknown[]) => Promise<Row[]>;

/** A TypeORM EntityManager (e.g. the inbox transaction's) as `Sql`; use for SELECTs and statements whose result is unused. */
export function sqlOf(manager: { query(text: string, params?: unknown[]): Promise<unknown> }): Sql {
  return async <Row>(text: string, params: readonly unknown[] = []) => {
    const result = await manager.query(text, [...params]);
    return (Array.isArray(result) ? result : []) as Row[];
  };
}

/** A node-postgres pool or client as `Sql`. */
export function sqlOfPool(pool: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> }): Sql {
  return async <Row>(text: string, params: readonly unknown[] = []) =>
    (await pool.query(text, [...params])).rows as Row[];
}
