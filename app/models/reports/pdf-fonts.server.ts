import { readFile } from "node:fs/promises";

/*
 * The font of a report's PDF: Noto Sans CJK, Hong Kong glyph forms, for Chinese and Latin alike.
 * Read on each export, so a fixed installation needs no restart.
 */

/** Debian/Ubuntu `fonts-noto-cjk`. PDF_FONT may name another copy (a .ttc collection or one .otf/.ttf). */
const DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/** Faces tried in a collection: Hong Kong forms first, then Traditional Chinese. */
const FACES = {
  regular: ["NotoSansCJKhk-Regular", "NotoSansCJKtc-Regular"],
  bold: ["NotoSansCJKhk-Bold", "NotoSansCJKtc-Bold"],
};

/** The font file used for PDFs, read on each export so a fixed installation needs no restart. */
export function pdfFontPath(): string {
  return process.env.PDF_FONT?.trim() || DEFAULT_FONT;
}

/** The CJK font is not installed (or PDF_FONT names no usable font): the route answers 503. */
export class PdfFontMissingError extends Error {
  constructor(detail: string) {
    super(`PDF export needs a CJK font (Debian package fonts-noto-cjk): ${detail}`);
    this.name = "PdfFontMissingError";
  }
}

async function readFont(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch {
    return null;
  }
}

/** The regular font and, when it sits beside it (NotoSansCJK-Bold.ttc), the bold one. */
export async function loadFonts(): Promise<{ regular: Buffer; bold: Buffer | null; file: string }> {
  const file = pdfFontPath();
  const regular = await readFont(file);
  if (!regular) throw new PdfFontMissingError(`cannot read ${file}`);
  const boldFile = file.replace(/-Regular(\.[a-z]+)$/i, "-Bold$1");
  return { regular, bold: boldFile === file ? null : await readFont(boldFile), file };
}

/** Registers `name` as the first face of `faces` found in a collection (or the font itself). */
function register(doc: PDFKit.PDFDocument, name: string, src: Buffer, faces: string[]): boolean {
  const collection = src.subarray(0, 4).toString("latin1") === "ttcf";
  for (const face of collection ? faces : [undefined]) {
    try {
      doc.registerFont(name, src, face);
      doc.font(name); // parses now, so a missing face is caught here rather than mid-document
      return true;
    } catch {
      // not in this collection: try the next name
    }
  }
  return false;
}

/**
 * Registers the fonts as "body" and "bold" on a document. Without the bold file, headings are set
 * in the regular face (larger sizes still stand out). Ends the document and throws
 * PdfFontMissingError when the font holds none of the faces.
 */
export function registerFonts(
  doc: PDFKit.PDFDocument,
  fonts: { regular: Buffer; bold: Buffer | null; file: string },
): void {
  if (!register(doc, "body", fonts.regular, FACES.regular)) {
    doc.end();
    throw new PdfFontMissingError(`${fonts.file} holds none of ${FACES.regular.join(", ")}`);
  }
  if (!(fonts.bold && register(doc, "bold", fonts.bold, FACES.bold)))
    register(doc, "bold", fonts.regular, FACES.regular);
}
