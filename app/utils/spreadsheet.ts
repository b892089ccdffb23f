/** A cell of an exported sheet (CSV or XLSX). */
export type ExportCell = string | number;

/**
 * A cell a spreadsheet will not run: text starting with = + - @ (or a tab or carriage return)
 * gets a leading apostrophe (OWASP, "CSV Injection").
 */
export function safeCell(value: ExportCell): ExportCell {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
