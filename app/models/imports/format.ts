/*
 * The registry import's format (docs/import-format.md): its files, their columns and values.
 * Pure: the checks of one row live in checks.ts, the reading in csv-stream.server.ts.
 */

/** The upload form's field that carries the files (the page and the action; browser-safe). */
export const UPLOAD_FIELD = "files";

/** A file larger than this is refused before a byte of it is read. */
export const MAX_FILE_BYTES = 1024 ** 3;
/** A refused load lists at most this many errors (all of them are counted). */
export const MAX_ERRORS = 200;

export const REGISTRY_FILES = ["departments.csv", "services.csv", "pledges.csv"] as const;
export const ACTIVITY_FILES = ["transactions.csv", "survey_responses.csv", "readings.csv"] as const;
export const IMPORT_FILES = [...REGISTRY_FILES, ...ACTIVITY_FILES] as const;
export type ImportFile = (typeof IMPORT_FILES)[number];

/** Columns each file must have in its header (any order; other columns are ignored). */
export const REQUIRED_COLUMNS: Record<ImportFile, readonly string[]> = {
  "departments.csv": ["code", "name_en", "name_zh", "type"],
  "services.csv": ["department_code", "service_code", "name_en", "name_zh"],
  "pledges.csv": [
    "pledge_id",
    "department_code",
    "service_code",
    "customer",
    "nature",
    "kind",
    "statement_en",
    "statement_zh",
    "target_share",
    "threshold",
    "unit",
    "effective_from",
  ],
  "transactions.csv": ["pledge_id", "received_at", "completed_at"],
  "survey_responses.csv": ["pledge_id", "submitted_at", "score"],
  "readings.csv": ["pledge_id", "taken_at", "value"],
};

/** Columns a file may leave out (read as empty). */
export const OPTIONAL_COLUMNS: Partial<Record<ImportFile, readonly string[]>> = {
  "pledges.csv": ["measure_unit", "change", "change_date", "previous_target_share", "previous_threshold"],
};

export const DEPARTMENT_TYPES = ["bureau", "department"] as const;
export const CUSTOMERS = ["external", "internal"] as const;
export const NATURES = ["efficiency", "quality"] as const;
export const KINDS = ["timeliness", "satisfaction", "measured"] as const;
export const UNITS = ["working_days", "calendar_days", "top_two_box", "value_max", "value_min"] as const;
export const CHANGES = ["none", "strengthened", "retired", "new"] as const;

/** The units a kind of pledge may use. */
export const UNITS_OF_KIND: Record<(typeof KINDS)[number], readonly (typeof UNITS)[number][]> = {
  timeliness: ["working_days", "calendar_days"],
  satisfaction: ["top_two_box"],
  measured: ["value_max", "value_min"],
};

/** One problem of a load, as a translation key (registryImport.errors.*) and its values. */
export interface ImportProblem {
  file: string;
  line: number | null;
  column: string | null;
  key: string;
  values?: Record<string, string | number>;
}

/** A problem as the reader sees it. */
export interface ImportError {
  file: string;
  line: number | null;
  column: string | null;
  message: string;
}
