// Types for tokf-ddl.mjs (the DDL lives in plain JS so that scripts/make-sample-db.mjs can use it).

export declare const CREATE_EVENTS_FRESH: string;
export declare const CREATE_EVENTS_LEGACY: string;
export declare const CREATE_SYNC_STATE: string;
export declare const CREATE_INDEXES: string;
export declare const MIGRATIONS: ReadonlyArray<{ readonly column: string; readonly sql: string }>;
export declare const ADD_SYNCED_TO_OTEL_AT: string;
export declare const FRESH_COLUMNS: readonly string[];
export declare const LEGACY_COLUMNS: readonly string[];
export declare function estimateTokens(bytes: number): number;
