import { describe, expect, it } from "vitest";
import { keepTogether } from "~/utils/keep-together";

describe("keepTogether", () => {
  it("joins a number and its unit, and a chapter's number to its words", () => {
    expect(keepTogether("each up to 5 MB.")).toBe("each up to 5\u00a0MB.");
    expect(keepTogether("每個不超過 5 MB。")).toBe("每個不超過 5\u00a0MB。");
    expect(keepTogether("《個人資料（私隱）條例》（第486章）第18及22條")).toBe(
      "《個人資料（私隱）條例》（第\u2060486\u2060章）第\u206018及22\u2060條",
    );
    expect(keepTogether("Ordinance (Cap. 486), sections 18 and 22")).toBe(
      "Ordinance (Cap.\u00a0486), sections\u00a018 and 22",
    );
  });
  it("leaves other text as it is", () => {
    expect(keepTogether("No numbers here. 沒有數字。")).toBe("No numbers here. 沒有數字。");
  });
});
