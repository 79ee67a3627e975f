// This file is generated from the Rust types by `make bindings`; do not edit it by hand.

export type AuditEvent = { seq: number, at: string, actor: string, action: string, 
/**
 * The event's payload as stored (JSON text), shown verbatim so it can be checked.
 */
payload: string, hash: string, };

export type ColumnKind = "integer" | "number" | "boolean" | "timestamp" | "text";

export type ColumnSummary = { name: string, kind: ColumnKind, 
/**
 * Empty fields and the spellings `null`, `NA` and `NaN` (any case).
 */
missing: number, };

export type DatasetSummary = { id: number, name: string, description: string, sha256: string, sizeBytes: number, format: string, rowCount: number, columns: Array<ColumnSummary>, timestampColumn: string | null, source: string, createdAt: string, };

export type ErrorCode = "not_found" | "invalid_input" | "conflict" | "storage" | "internal";

export type IpcError = { code: ErrorCode, message: string, };

export type ModelSummary = { id: number, name: string, description: string, createdAt: string, 
/**
 * Oldest first.
 */
versions: Array<ModelVersionSummary>, };

export type ModelVersionSummary = { id: number, 
/**
 * 1, 2, 3 … within its model.
 */
version: number, sha256: string, sizeBytes: number, source: string, notes: string, createdAt: string, createdBy: string, };

export type WorkspaceInfo = { dataDir: string, databasePath: string, appVersion: string, schemaVersion: number, demoSeeded: boolean, };
