/** Something that runs parameterised PostgreSQL statements (`$1`, `$2`, …). */
export interface MetaQueryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * The metadata store (projects, keys, users, metric dictionary, goals, experiments,
 * reports, dashboards) in the PostgreSQL dialect: PGlite embedded by default, a
 * PostgreSQL server by URL. Same SQL, same migrations on both.
 */
export interface MetaStore extends MetaQueryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs statements without parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `fn` in one transaction: all of it is written, or none. */
  transaction<T>(fn: (tx: MetaQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
