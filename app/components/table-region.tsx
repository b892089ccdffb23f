import { type ReactNode, type TableHTMLAttributes, useId } from "react";

/**
 * A table that fits a phone (issue 15): on a narrow screen it scrolls sideways inside its own
 * region, never the page. The caption stands above the region, so it is not scrolled away or cut
 * off; the region is named by it and focusable, so a keyboard can scroll it too (axe's
 * scrollable-region-focusable), and the table keeps the caption as its name. With `labelledBy` the
 * table is named by a heading already on the page instead. The shadow at an edge that has more to
 * see is drawn by `.table-wrap` in app.css.
 */
export function TableRegion({
  caption,
  captionHidden = false,
  labelledBy,
  children,
  ...tableProps
}: {
  /** the caption, shown above the table (or read only by screen readers, with `captionHidden`) */
  caption?: ReactNode;
  captionHidden?: boolean;
  /** the id of a heading that names the table, instead of a caption */
  labelledBy?: string;
  children: ReactNode;
} & TableHTMLAttributes<HTMLTableElement>) {
  const ownId = useId();
  const id = labelledBy ?? `table-caption-${ownId.replace(/:/g, "")}`;
  const table = (
    <table aria-labelledby={id} {...tableProps}>
      {children}
    </table>
  );
  return (
    <>
      {labelledBy ? null : (
        <p className={captionHidden ? "visually-hidden" : "table-caption"} id={id}>
          {caption}
        </p>
      )}
      {captionHidden || labelledBy ? (
        // Named like the section it stands in: a group, not a second landmark of the same name.
        // biome-ignore lint/a11y/useSemanticElements: a <fieldset> groups form controls, this a table
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it (WCAG 2.1.1)
        <div className="table-wrap" role="group" aria-labelledby={id} tabIndex={0}>
          {table}
        </div>
      ) : (
        // A <section> with a name is a region landmark.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it (WCAG 2.1.1)
        <section className="table-wrap" aria-labelledby={id} tabIndex={0}>
          {table}
        </section>
      )}
    </>
  );
}
