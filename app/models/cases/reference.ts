/**
 * Case references: department code, year-month (YYMM), a five-digit sequence and a check
 * character, e.g. IMMD-2611-00042-K. The check character is Luhn mod 36 over the other
 * characters, which catches every single mistyped character and most swaps of neighbours.
 */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function checkCharacter(body: string): string {
  const chars = body.toUpperCase().replace(/[^0-9A-Z]/g, "");
  let factor = 2;
  let sum = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const code = ALPHABET.indexOf(chars[i]!);
    let addend = factor * code;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 36) + (addend % 36);
    sum += addend;
  }
  return ALPHABET[(36 - (sum % 36)) % 36]!;
}

export function makeReference(departmentCode: string, period: string, sequence: number): string {
  const body = `${departmentCode.toUpperCase()}-${period}-${String(sequence).padStart(5, "0")}`;
  return `${body}-${checkCharacter(body)}`;
}

const SHAPE = /^([A-Z]{2,8})-(\d{4})-(\d{5,})-([0-9A-Z])$/;

/** The reference in canonical form, or null when its shape or check character is wrong. */
export function normaliseReference(input: string): string | null {
  const ref = input.trim().toUpperCase().replace(/\s+/g, "");
  const m = SHAPE.exec(ref);
  if (!m) return null;
  const body = `${m[1]}-${m[2]}-${m[3]}`;
  return checkCharacter(body) === m[4] ? ref : null;
}
