import { PassThrough, type Transform } from "node:stream";
import { createElement } from "react";
import { renderToPipeableStream } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { StripNulBytes } from "../../app/utils/html-stream.server";

/** Renders a page of short Chinese strings through the given stream and returns its bytes. */
async function render(body: Transform): Promise<Buffer> {
  const items = Array.from(
    { length: 400 },
    (_, i) => `第${i}項：翻新期間增設星期六服務時段，並調派人手處理積壓申請。`,
  );
  const chunks: Buffer[] = [];
  body.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => body.on("end", r));
  const { pipe } = renderToPipeableStream(
    createElement(
      "ul",
      null,
      items.map((text) => createElement("li", { key: text }, text)),
    ),
    { onAllReady: () => pipe(body) },
  );
  await done;
  return Buffer.concat(chunks);
}

describe("server-rendered Chinese pages", () => {
  it("React 18.3 alone pads chunks with NUL bytes (what the browser showed as ��)", async () => {
    const raw = await render(new PassThrough());
    expect(raw.includes(0)).toBe(true);
  });

  it("come out intact through StripNulBytes", async () => {
    const html = (await render(new StripNulBytes())).toString("utf8");
    expect(html.includes("\u0000")).toBe(false);
    expect(html.includes("\ufffd")).toBe(false);
    for (const i of [0, 57, 199, 399])
      expect(html).toContain(`<li>第${i}項：翻新期間增設星期六服務時段，並調派人手處理積壓申請。</li>`);
  });
});
