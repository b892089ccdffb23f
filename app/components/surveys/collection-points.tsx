import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, ErrorSummary, SelectField, TextField } from "~/components/forms";
import { TableRegion } from "~/components/table-region";
import { POINT_CHANNELS } from "~/models/surveys/schema";
import type { EditorPoint } from "~/models/surveys/view.server";
import type { FieldErrors } from "~/utils/forms";

/**
 * The editor's "collection points" section: each point's link (kiosk links reset after each
 * response) and QR codes, then the form that adds one.
 */
export function CollectionPoints({
  survey,
  points,
  origin,
  errors,
  zh,
}: {
  survey: { id: number; slug: string };
  points: EditorPoint[];
  origin: string;
  errors: FieldErrors;
  zh: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="points-title">
      <h2 id="points-title">{t("surveys.points.title")}</h2>
      <p>{t("surveys.points.intro")}</p>
      <TableRegion caption={t("surveys.points.title")} captionHidden>
        <thead>
          <tr>
            <th scope="col">{t("surveys.points.name")}</th>
            <th scope="col">{t("surveys.points.channel")}</th>
            <th scope="col">{t("surveys.points.link")}</th>
            <th scope="col">{t("surveys.points.qr")}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => {
            const link = `${origin}/s/${survey.slug}?p=${p.code}${p.channel === "kiosk" ? "&kiosk=1" : ""}`;
            return (
              <tr key={p.id}>
                <td>{zh ? p.name_zh : p.name_en}</td>
                <td>{t(`surveys.channels.${p.channel}`)}</td>
                <td>
                  <a href={link}>{link}</a>
                </td>
                <td>
                  <div className="actions">
                    <a href={`/staff/surveys/${survey.id}/qr/${p.code}.png`} download>
                      PNG<span className="visually-hidden"> {zh ? p.name_zh : p.name_en}</span>
                    </a>
                    <a href={`/staff/surveys/${survey.id}/qr/${p.code}.svg`} download>
                      SVG<span className="visually-hidden"> {zh ? p.name_zh : p.name_en}</span>
                    </a>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </TableRegion>
      <h3>{t("surveys.points.add")}</h3>
      <ErrorSummary
        errors={errors}
        labels={{ nameEn: t("surveys.points.nameEn"), nameZh: t("surveys.points.nameZh") }}
      />
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="add-point" />
        <TextField name="nameEn" label={t("surveys.points.nameEn")} required error={errors.nameEn} />
        <TextField name="nameZh" label={t("surveys.points.nameZh")} required error={errors.nameZh} />
        <SelectField
          name="channel"
          label={t("surveys.points.channel")}
          error={errors.channel}
          options={POINT_CHANNELS.map((c) => ({ value: c, label: t(`surveys.channels.${c}`) }))}
        />
        <button type="submit" className="button">
          {t("surveys.points.add")}
        </button>
      </Form>
    </section>
  );
}
