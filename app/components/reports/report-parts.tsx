import type { ReactNode } from "react";
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

export function Table({ head, rows }: { head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="table-wrap">
      <table>
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
                  <td key={j}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
