import { describe, expect, it } from "vitest";
import {
  DEFAULT_UPLOAD_LIMITS,
  isStoredName,
  newStoredName,
  parseUploadForm,
  servedContentType,
  sniffFileType,
} from "~/models/cases/attachments.server";
import { sanitiseFileName } from "~/models/cases/intake.server";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe("sniffFileType", () => {
  it.each([
    ["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF"), "image/jpeg", "jpg"],
    [
      "PNG",
      bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], "IHDR"),
      "image/png",
      "png",
    ],
    ["GIF87a", bytes("GIF87a", [1, 0, 1, 0]), "image/gif", "gif"],
    ["GIF89a", bytes("GIF89a", [1, 0, 1, 0]), "image/gif", "gif"],
    ["WebP", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "), "image/webp", "webp"],
    ["PDF", bytes("%PDF-1.7\n%âãÏÓ\n"), "application/pdf", "pdf"],
  ])("recognises %s from its first bytes", (_name, data, mime, ext) => {
    expect(sniffFileType(data)).toEqual({ mime, ext });
  });

  it.each([
    ["an empty file", bytes()],
    ["plain text", bytes("hello, this is not an image")],
    ["HTML pretending to be an image", bytes("<html><script>alert(1)</script>")],
    ["a Windows program", bytes("MZ", [0x90, 0, 3, 0])],
    ["a ZIP (or .docx)", bytes("PK", [3, 4, 20, 0])],
    ["an SVG (may carry script)", bytes('<svg xmlns="http://www.w3.org/2000/svg">')],
    ["a truncated PNG signature", bytes([0x89, 0x50, 0x4e, 0x47])],
    ["two bytes of JPEG", bytes([0xff, 0xd8])],
    ["a RIFF that is not WebP (a WAV)", bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt ")],
    ["GIF with an unknown version", bytes("GIF90a", [1, 0])],
    ["a PDF marker not at the start", bytes(" %PDF-1.7")],
  ])("refuses %s", (_name, data) => {
    expect(sniffFileType(data)).toBeNull();
  });

  it("looks only at the bytes: a PNG signature is PNG whatever follows", () => {
    const png = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "anything at all");
    expect(sniffFileType(png)?.mime).toBe("image/png");
  });
});

describe("stored names and served types", () => {
  it("accepts every name it makes, with its extension, and nothing that could leave the folder", () => {
    for (const ext of ["jpg", "png", "gif", "webp", "pdf"] as const) {
      const name = newStoredName({ mime: "image/png", ext } as never);
      expect(name).toMatch(new RegExp(`^[0-9a-f]{32}\\.${ext}$`));
      expect(isStoredName(name)).toBe(true);
    }
    for (const bad of [
      "",
      ".",
      "..",
      "../x.png",
      "a/b.png",
      "a\\b.png",
      "x.png.part",
      "x.html",
      ".png",
      "x..png",
    ]) {
      expect(isStoredName(bad), bad).toBe(false);
    }
  });

  it("serves only a recognised type; anything else is opaque bytes", () => {
    expect(servedContentType("image/png")).toBe("image/png");
    expect(servedContentType("application/pdf")).toBe("application/pdf");
    for (const other of [
      "text/html",
      "image/svg+xml",
      "application/javascript",
      "image/png; charset=x",
      "",
    ]) {
      expect(servedContentType(other)).toBe("application/octet-stream");
    }
  });
});

describe("sanitiseFileName", () => {
  it("keeps an ordinary name, in any script", () => {
    expect(sanitiseFileName("receipt 2026-11.pdf")).toBe("receipt 2026-11.pdf");
    expect(sanitiseFileName("收據.jpg")).toBe("收據.jpg");
  });

  it("drops paths, control and bidi characters, and leading dots", () => {
    expect(sanitiseFileName("C:\\Users\\chan\\photo.png")).toBe("photo.png");
    expect(sanitiseFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitiseFileName("a\u0000b\u001fc.png")).toBe("abc.png");
    expect(sanitiseFileName("photo\u202egnp.exe")).toBe("photognp.exe");
    expect(sanitiseFileName("...hidden")).toBe("hidden");
    expect(sanitiseFileName("")).toBe("attachment");
  });

  it("caps the name at 200 characters and keeps the extension", () => {
    const name = sanitiseFileName(`${"長".repeat(300)}.pdf`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith(".pdf")).toBe(true);
  });
});

describe("parseUploadForm", () => {
  const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const png = (name: string, size = 16) => {
    const b = new Uint8Array(size);
    b.set(PNG_HEAD);
    return new File([b], name, { type: "image/png" });
  };
  const post = (build: (f: FormData) => void) => {
    const body = new FormData();
    build(body);
    return new Request("http://localhost/complaints/new", { method: "POST", body });
  };

  it("returns the text fields and the files, and ignores an empty file input", async () => {
    const parsed = await parseUploadForm(
      post((f) => {
        f.append("whatHappened", "櫃位職員態度欠佳");
        f.append("attachment", png("a.png"));
        f.append("attachment", new File([], "", { type: "application/octet-stream" }));
      }),
    );
    expect(parsed.form.get("whatHappened")).toBe("櫃位職員態度欠佳");
    expect(parsed.form.get("attachment")).toBeNull();
    expect(parsed.files.map((f) => [f.name, f.size])).toEqual([["a.png", 16]]);
    expect(parsed.errors).toEqual({});
  });

  it("drops a file over the limit without keeping it, and keeps the text after it", async () => {
    const parsed = await parseUploadForm(
      post((f) => {
        f.append("attachment", png("big.png", DEFAULT_UPLOAD_LIMITS.maxFileBytes + 1));
        f.append("whatHappened", "still here");
      }),
    );
    expect(parsed.files).toEqual([]);
    expect(parsed.errors).toEqual({ attachment: "complaints.errors.fileTooLarge" });
    expect(parsed.form.get("whatHappened")).toBe("still here");
  });

  it("keeps at most the allowed number of files and says there were too many", async () => {
    const parsed = await parseUploadForm(
      post((f) => {
        for (const n of ["1", "2", "3", "4"]) f.append("attachment", png(`${n}.png`));
      }),
    );
    expect(parsed.files).toHaveLength(3);
    expect(parsed.errors).toEqual({ attachment: "complaints.errors.tooManyFiles" });
  });

  it("caps a text field and ignores files under other names", async () => {
    const parsed = await parseUploadForm(
      post((f) => {
        f.append("whatHappened", "x".repeat(DEFAULT_UPLOAD_LIMITS.maxTextBytes + 1));
        f.append("other", png("sneaky.png"));
      }),
    );
    expect(parsed.form.get("whatHappened")).toBeNull();
    expect(parsed.errors).toEqual({ whatHappened: "complaints.errors.tooLong" });
    expect(parsed.files).toEqual([]);
  });

  it("answers 400 to a malformed body or too many parts", async () => {
    const bad = new Request("http://localhost/complaints/new", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=xyz" },
      body: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end',
    });
    await expect(parseUploadForm(bad)).rejects.toMatchObject({ status: 400 });
    const many = post((f) => {
      for (let i = 0; i < DEFAULT_UPLOAD_LIMITS.maxParts + 1; i++) f.append(`f${i}`, "x");
    });
    await expect(parseUploadForm(many)).rejects.toMatchObject({ status: 400 });
  });

  it("reads an ordinary form post as text fields with no files", async () => {
    const parsed = await parseUploadForm(
      new Request("http://localhost/complaints/new", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ whatHappened: "plain" }),
      }),
    );
    expect(parsed.form.get("whatHappened")).toBe("plain");
    expect(parsed.files).toEqual([]);
  });
});
