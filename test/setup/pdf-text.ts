import { inflateSync } from "node:zlib";

/*
 * The text of a PDF that pdfkit wrote, read back the way a PDF reader does: each page's content
 * streams inflated, the glyph ids of every text operator (Tj, TJ) mapped to Unicode through the
 * ToUnicode CMap of the font selected (Tf). Enough for pdfkit's output (Type0 fonts, hex strings);
 * not a general PDF parser. Text that a reader could not copy out (no ToUnicode) would come back
 * as "\uFFFD", so a test of Chinese text here is also a test that the Chinese can be copied.
 */

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString("latin1");
  const found = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*([\s\S]*?)endobj/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2]!;
    const at = body.indexOf("stream");
    if (at < 0) {
      found.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, at);
    let start = at + "stream".length;
    if (body[start] === "\r") start++;
    if (body[start] === "\n") start++;
    const end = body.lastIndexOf("endstream");
    let raw = Buffer.from(body.slice(start, end), "latin1");
    // Trailing end-of-line before "endstream" is not data (inflate ignores it anyway).
    if (/\/FlateDecode/.test(dict)) raw = inflateSync(raw, { finishFlush: 2 });
    found.set(Number(m[1]), { dict, stream: raw });
  }
  return found;
}

/** glyph id (hex, 4 digits) → text, from a ToUnicode CMap's bfchar and bfrange sections. */
function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => {
    // UTF-16BE code units, four hex digits each (surrogate pairs included).
    const units: number[] = [];
    for (let i = 0; i < hex.length; i += 4) units.push(Number.parseInt(hex.slice(i, i + 4), 16));
    return String.fromCharCode(...units);
  };
  for (const section of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, src, dst] of section[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set(Number.parseInt(src!, 16), utf16(dst!));
  }
  for (const section of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    const re = /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g;
    for (const [, lo, hi, dst] of section[1]!.matchAll(re)) {
      const from = Number.parseInt(lo!, 16);
      const to = Number.parseInt(hi!, 16);
      if (dst!.startsWith("[")) {
        // An entry may hold several code points ("<0066 0069>": a ligature's glyph).
        const list = [...dst!.matchAll(/<([0-9a-fA-F\s]+)>/g)].map((x) => utf16(x[1]!.replace(/\s+/g, "")));
        for (let g = from; g <= to; g++) map.set(g, list[g - from] ?? "\uFFFD");
      } else {
        const base = Number.parseInt(dst!.slice(1, -1), 16);
        for (let g = from; g <= to; g++) map.set(g, String.fromCharCode(base + g - from));
      }
    }
  }
  return map;
}

/** The text of every text operator of a pdfkit PDF, in the order drawn, one string per operator. */
export function pdfTextRuns(pdf: Buffer): string[] {
  const objs = objects(pdf);
  // Font resource names (pdfkit names each font once for the whole document: /F1, /F2 …).
  const fontByName = new Map<string, Map<number, string>>();
  for (const o of objs.values()) {
    for (const [, name, ref] of o.dict.matchAll(/\/(F\d+)\s+(\d+) 0 R/g)) {
      const font = objs.get(Number(ref));
      const toUnicode = font?.dict.match(/\/ToUnicode\s+(\d+) 0 R/);
      const cmap = toUnicode ? objs.get(Number(toUnicode[1]))?.stream : null;
      if (cmap && !fontByName.has(name!)) fontByName.set(name!, parseCmap(cmap.toString("latin1")));
    }
  }
  // Content streams: the /Contents of each page, in page order.
  const runs: string[] = [];
  const pages = [...objs.values()].filter((o) => /\/Type\s*\/Page\b/.test(o.dict));
  for (const page of pages) {
    const refs = [
      ...(page.dict.match(/\/Contents\s*(\[[^\]]*\]|\d+ 0 R)/)?.[1] ?? "").matchAll(/(\d+) 0 R/g),
    ];
    for (const [, ref] of refs) {
      const content = objs.get(Number(ref))?.stream?.toString("latin1") ?? "";
      let font: Map<number, string> | undefined;
      const ops = /\/(F\d+)\s+[\d.]+\s+Tf|(\[(?:[^\]]*)\])\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g;
      for (const m of content.matchAll(ops)) {
        if (m[1]) {
          font = fontByName.get(m[1]);
          continue;
        }
        const hex = m[2] ? [...m[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((x) => x[1]!).join("") : m[3]!;
        let s = "";
        for (let i = 0; i + 4 <= hex.length; i += 4)
          s += font?.get(Number.parseInt(hex.slice(i, i + 4), 16)) ?? "\uFFFD";
        runs.push(s);
      }
    }
  }
  return runs;
}

/** All the PDF's text with no white space at all: compare with a string stripped the same way. */
export function pdfTextCompact(pdf: Buffer): string {
  return pdfTextRuns(pdf).join("").replace(/\s+/g, "");
}

/** A string as pdfTextCompact writes it. */
export const compact = (s: string) => s.replace(/\s+/g, "");
