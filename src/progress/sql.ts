import type { DatabaseSync } from 'node:sqlite';

// Small SQL helpers of the progress stores, over a database that may have others attached
// (`schema`: main, or the name a merge attached a copy under).

export function count(db: DatabaseSync, sql: string): number {
  return Number(db.prepare(sql).get()?.n ?? 0);
}

export function tableExists(db: DatabaseSync, schema: string, name: string): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = ?`)
      .get(name) !== undefined
  );
}

export function columnExists(db: DatabaseSync, schema: string, column: string): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM pragma_table_info('events', '${schema}') WHERE name = ?`)
      .get(column) !== undefined
  );
}

export function quoteName(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function sqlText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The first id after every id the table has used (AUTOINCREMENT never reuses one). */
export function nextId(db: DatabaseSync): number {
  const max = Number(db.prepare('SELECT coalesce(max(id), 0) AS n FROM main.events').get()?.n ?? 0);
  const seq = tableExists(db, 'main', 'sqlite_sequence')
    ? Number(
        db
          .prepare(
            "SELECT coalesce(max(seq), 0) AS n FROM main.sqlite_sequence WHERE name = 'events'",
          )
          .get()?.n ?? 0,
      )
    : 0;
  return Math.max(max, seq) + 1;
}
