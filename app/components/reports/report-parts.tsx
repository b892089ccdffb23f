import type { ReactNode } from "react";
import { TableRegion } from "~/components/table-region";
import { formats } from "~/utils/formats";

/*
 * The pieces a report's page is made of: a figure with its link, a table whose first cell is the
 * row's header, and the report's formats and name picker in the reader's language.
 */

/** The formats of the reader's language and `pick(en, zh)`: the name in that language. */
export function reportLocale(locale: string) {
  const zh = locale.startsWith("zh");
  return {
    f: formats(locale),
    pick: (en: string | null, zhText: string | null) => (zh ? zhText : en) ?? "",
  };
}

export function Figure({ term, href, children }: { term: string; href: string; children: ReactNode }) {
  return (
    <div>
      <dt style={{ color: "var(--muted)" }}>{term}</dt>
      <dd style={{ margin: 0, fontWeight: 700, fontSize: "1.4rem" }}>
        <a href={href}>{children}</a>
      </dd>
    </div>
  );
}

/**
 * A table of the report: its name (a caption of its own, or the heading just above it) outside the
 * box that scrolls sideways on a phone, so it is never cut off (issue 15). Figures (every cell but
 * the first) stay on one line.
 */
export function Table({
  head,
  rows,
  caption,
  labelledBy,
}: {
  head: string[];
  rows: ReactNode[][];
  /** the table's caption, shown above it */
  caption?: string;
  /** or the id of the heading that names it */
  labelledBy?: string;
}) {
  return (
    <TableRegion caption={caption} labelledBy={labelledBy}>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows of a stored report never reorder
          <tr key={i}>
            {row.map((cell, j) =>
              j === 0 ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                <th key={j} scope="row">
                  {cell}
                </th>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
                <td key={j} className={typeof cell === "string" && cell.length > 24 ? undefined : "nowrap"}>
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </TableRegion>
  );
}
