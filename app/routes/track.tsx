import { zodResolver } from "@hookform/resolvers/zod";
import type { ActionFunctionArgs, HeadersFunction, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSubmit } from "@remix-run/react";
import { useForm } from "react-hook-form";
import { useTranslation } from "react-i18next";
import { Honeypot } from "~/components/cases/complaint-fields";
import { TrackedCase, type TrackedCaseAnswer } from "~/components/cases/tracked-case";
import { ErrorSummary, mergeErrors, TextField } from "~/components/forms";
import { type LodgeError, lodgeAppeal } from "~/models/cases/appeal.server";
import { parseUploadForm } from "~/models/cases/attachments.server";
import { answerFromCitizen } from "~/models/cases/citizen-answers.server";
import { getCase } from "~/models/cases/handling.server";
import { CitizenAppealSchema, COMPLAINT_LIMITS, E, TrackSchema } from "~/models/cases/schema";
import { allowTrackingAttempt, findTrackedCase, trackedCaseView } from "~/models/cases/tracking.server";
import { isHoneypotFilled } from "~/models/rate-limits/public-form.server";
import { type FieldErrors, parseForm } from "~/utils/forms";
import { getLocale } from "~/utils/i18n.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "complaints.track.title");

// A case's details never sit in a shared cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

const NO_STORE = { "Cache-Control": "no-store" };

type TrackAnswer =
  | { result: "notFound" }
  | { result: "rateLimited" }
  | { result: "invalid"; errors: FieldErrors }
  | ({ result: "found" } & TrackedCaseAnswer);

/**
 * The one answer for a badly formed reference, a wrong check character, an unknown case and a
 * contact that does not match: same status, same body, no hint which part was wrong.
 */
function notFoundAnswer() {
  return json<TrackAnswer>({ result: "notFound" }, { status: 404, headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  // One bounded reader for the lookup, the appeal and the answer with its files (a multipart
  // form): files over 5 MB are never held whole, text fields are capped (cases/attachments.server.ts).
  const upload = await parseUploadForm(request);
  const { form } = upload;
  if (isHoneypotFilled(form)) return notFoundAnswer();
  // Every post counts, appeals too: ten look-ups per ten minutes per address (cases/tracking.server.ts).
  if (!(await allowTrackingAttempt(context))) {
    return json<TrackAnswer>(
      { result: "rateLimited" },
      { status: 429, headers: { ...NO_STORE, "Retry-After": "600" } },
    );
  }
  const intent = form.get("intent");
  const appealing = intent === "appeal";
  const answering = intent === "answer";
  const lookup = parseForm(TrackSchema, form);
  if (!lookup.ok) {
    // The appeal and answer forms' hidden fields are never empty unless someone edited them.
    if (appealing || answering) return notFoundAnswer();
    return json<TrackAnswer>(
      { result: "invalid", errors: lookup.errors },
      { status: 400, headers: NO_STORE },
    );
  }
  const { reference, contact } = lookup.data;
  const found = await findTrackedCase(context.db, context.env.PII_KEY, reference, contact);
  if (!found) return notFoundAnswer();
  const locale = await getLocale(request);
  const answer = async (
    status: number,
    extra: {
      lodged?: boolean;
      appealError?: string | null;
      errors?: FieldErrors;
      grounds?: string;
      answered?: "resumed" | "kept" | null;
      answerErrors?: FieldErrors;
      answerText?: string;
    } = {},
  ) => {
    const fresh = await getCase(context.db, found.id, null);
    return json<TrackAnswer>(
      {
        result: "found",
        view: await trackedCaseView(context.db, fresh ?? found, locale),
        lookup: { reference: found.reference, contact },
        lodged: extra.lodged ?? false,
        appealError: extra.appealError ?? null,
        errors: extra.errors ?? {},
        grounds: extra.grounds ?? "",
        answered: extra.answered ?? null,
        answerErrors: extra.answerErrors ?? {},
        answerText: extra.answerText ?? "",
      },
      { status, headers: NO_STORE },
    );
  };
  if (answering) {
    const text = typeof form.get("answer") === "string" ? String(form.get("answer")) : "";
    // Limits broken while reading (a file too large, too many files): nothing is stored.
    if (Object.keys(upload.errors).length > 0)
      return answer(400, { answerErrors: upload.errors, answerText: text });
    const r = await answerFromCitizen(
      context.db,
      { piiKey: context.env.PII_KEY, dataDir: context.env.DATA_DIR },
      found,
      { answer: text },
      upload.files,
    );
    if (!r.ok) return answer(r.errors.form ? 409 : 400, { answerErrors: r.errors, answerText: text });
    return answer(200, { answered: r.resumed ? "resumed" : "kept" });
  }
  if (!appealing) return answer(200);

  const grounds = typeof form.get("grounds") === "string" ? String(form.get("grounds")) : "";
  const parsed = parseForm(CitizenAppealSchema, form);
  if (!parsed.ok) return answer(400, { errors: parsed.errors, grounds });
  const lodged = await lodgeAppeal(context.db, found, { by: "citizen", grounds: parsed.data.grounds });
  if (!lodged.ok) return answer(400, { appealError: appealErrorKey(lodged.error), grounds });
  return answer(200, { lodged: true });
}

function appealErrorKey(error: LodgeError): string {
  return `complaints.track.appeal.errors.${error}`;
}

export default function Track() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>() as TrackAnswer | undefined;
  if (data?.result === "found") return <TrackedCase data={data} />;
  return (
    <div className="container narrow">
      <h1>{t("complaints.track.title")}</h1>
      <p className="lead">{t("complaints.track.intro")}</p>
      <LookupForm data={data} />
      <p className="hint">{t("complaints.track.noContact")}</p>
    </div>
  );
}

function LookupForm({ data }: { data: Exclude<TrackAnswer, { result: "found" }> | undefined }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const {
    register,
    handleSubmit,
    formState: { errors: clientErrors },
  } = useForm({ resolver: zodResolver(TrackSchema), mode: "onTouched" });
  const errors = mergeErrors(data?.result === "invalid" ? data.errors : undefined, clientErrors);
  const formError =
    data?.result === "notFound"
      ? "complaints.track.notFound"
      : data?.result === "rateLimited"
        ? E.trackRateLimited
        : null;
  const labels = { reference: t("complaints.track.reference"), contact: t("complaints.track.contact") };
  return (
    <>
      <ErrorSummary errors={errors} labels={labels} formError={formError} />
      <Form
        method="post"
        noValidate
        onSubmit={(event) => {
          const formEl = event.currentTarget;
          handleSubmit(() => submit(formEl))(event);
        }}
      >
        <input type="hidden" name="intent" value="track" />
        <Honeypot />
        <TextField
          name="reference"
          label={labels.reference}
          hint={t("complaints.track.referenceHint")}
          autoComplete="off"
          required
          maxLength={COMPLAINT_LIMITS.reference}
          error={errors.reference}
          registration={register("reference")}
        />
        <TextField
          name="contact"
          label={labels.contact}
          required
          maxLength={COMPLAINT_LIMITS.contact}
          error={errors.contact}
          registration={register("contact")}
        />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("complaints.track.submit")}
        </button>
      </Form>
    </>
  );
}
