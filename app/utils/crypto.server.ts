import crypto from "node:crypto";

/**
 * Personal data at rest (complainants' names, e-mail addresses, phone numbers): AES-256-GCM with
 * a key from the environment (PII_KEY; a generated one under data/ for a demo). Each value gets a
 * fresh 96-bit IV; the tag authenticates it. Format: "v1.<iv>.<tag>.<ciphertext>", base64url.
 */
export function encryptPii(key: string, plain: string | null | undefined): string | null {
  if (plain == null || plain === "") return null;
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", keyBytes(key), iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [
    "v1",
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ct.toString("base64url"),
  ].join(".");
}

export function decryptPii(key: string, sealed: string | null | undefined): string | null {
  if (!sealed) return null;
  const [v, iv, tag, ct] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || ct === undefined) throw new Error("Unknown ciphertext format");
  const decipher = crypto.createDecipheriv("aes-256-gcm", keyBytes(key), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}

function keyBytes(key: string): Buffer {
  const bytes = Buffer.from(key.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== 32) throw new Error("PII_KEY must be 32 bytes");
  return bytes;
}

/** "c***@example.com", "****5678": what lists show. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const [user, domain] = email.split("@");
  return `${(user ?? "").slice(0, 1)}***@${domain ?? ""}`;
}

export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, "");
  return `****${digits.slice(-4)}`;
}
