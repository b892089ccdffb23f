/**
 * Joins what a line must not split (issue 15): a number and its unit ("5 MB", not "5 / MB"), a
 * law's chapter ("第486章", "Cap. 486"), a section number ("sections 18"), with a no-break space
 * or a word joiner (U+2060), which a reader does not see. For text from the locale files, whose
 * words are the translators'.
 */
export function keepTogether(text: string): string {
  return text
    .replace(/(\d)[ \u00a0]+(MB|KB|GB|%)/g, "$1\u00a0$2")
    .replace(/第(?=\d)/g, "第\u2060")
    .replace(/(\d)(?=[章條])/g, "$1\u2060")
    .replace(/\b(Cap\.|sections?|principle)[ ]+(\d+)/g, "$1\u00a0$2");
}
