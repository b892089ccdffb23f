import { describe, expect, it } from "vitest";
import { createCase } from "~/models/cases/intake.server";
import { loader as surveyLoader } from "~/routes/s.$slug._index";
import { useTestApp } from "../setup/app";
import { DB_KINDS } from "../setup/db";
import { TEST_PII_KEY } from "../setup/global-setup";
import { getRequest, settle } from "../setup/requests";

/*
 * A citizen who opens a survey reads which department and which service it is about, in their
 * language: the survey's service, the service of the case an invitation came from, or all the
 * department's services.
 */
describe.each(DB_KINDS)("what a survey is about [%s]", (kind) => {
  const app = useTestApp(kind);

  async function open(path: string, lng: "en" | "zh-HK") {
    const res = await settle(async () =>
      surveyLoader({
        request: getRequest(path, { headers: { Cookie: `pledge_lng=${lng}` } }),
        context: app.context,
        params: { slug: path.split("/")[2]!.split("?")[0] },
      }),
    );
    expect(res.status).toBe(200);
    const data = (await res.json()) as { department: string; service: string | null };
    return { department: data.department, service: data.service };
  }

  async function serviceId(code: string) {
    return (
      await app.db.selectFrom("services").select("id").where("code", "=", code).executeTakeFirstOrThrow()
    ).id;
  }

  it("names the department, and all its services for a department-wide survey", async () => {
    expect(await open("/s/immdcsat", "en")).toEqual({ department: "Immigration Department", service: null });
    expect(await open("/s/immdcsat", "zh-HK")).toEqual({ department: "入境事務處", service: null });
  });

  it("names the survey's service", async () => {
    await app.db
      .updateTable("surveys")
      .set({ service_id: await serviceId("PASSPORT") })
      .where("slug", "=", "immdcsat")
      .execute();
    expect(await open("/s/immdcsat", "en")).toEqual({
      department: "Immigration Department",
      service: "HKSAR passports",
    });
    expect(await open("/s/immdcsat", "zh-HK")).toEqual({ department: "入境事務處", service: "香港特區護照" });
  });

  it("names the service of the case an invitation came from", async () => {
    const dept = await app.db
      .selectFrom("departments")
      .select("id")
      .where("code", "=", "IMMD")
      .executeTakeFirstOrThrow();
    const { id } = await createCase(app.db, TEST_PII_KEY, {
      departmentId: dept.id,
      serviceId: await serviceId("BIRTH-REG"),
      channel: "web",
      language: "en",
      whatHappened: "Wrong date in the letter.",
      desiredOutcome: "The right date.",
      contact: {},
      consent: true,
    });
    const survey = await app.db
      .selectFrom("surveys")
      .select("id")
      .where("slug", "=", "immdcase")
      .executeTakeFirstOrThrow();
    const token = "AbCdEfGhIjKlMnOp";
    await app.db
      .insertInto("case_survey_invitations")
      .values({
        case_id: id,
        token,
        survey_id: survey.id,
        created_at: new Date().toISOString(),
        used_at: null,
      })
      .execute();
    expect(await open(`/s/immdcase?t=${token}`, "en")).toEqual({
      department: "Immigration Department",
      service: "Birth registration",
    });
    expect(await open(`/s/immdcase?t=${token}`, "zh-HK")).toEqual({
      department: "入境事務處",
      service: "出生登記",
    });
    // Without the invitation, the same survey is about all the department's services.
    expect((await open("/s/immdcase", "en")).service).toBeNull();
  });
});
