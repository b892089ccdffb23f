/**
 * The pledge paper's annex (shared/domain.md): every example pledge, bilingual, as the demo's
 * registry (and `timeliness`, the shape of a timeliness pledge). seed-pledges.ts publishes them
 * and gives them twelve months of activity.
 */
import { NO_TARGET_FIELDS, type VersionFields } from "../app/models/pledges/registry.server";

export interface AnnexPledge {
  code: string;
  department: string;
  service: string;
  fields: VersionFields;
}

const base = NO_TARGET_FIELDS;

export function timeliness(
  en: string,
  zh: string,
  customer: "external" | "internal",
  share: number,
  days: number,
  unit: "working" | "calendar",
  source: { transactions: string } | { cases: "ack" | "reply" },
): VersionFields {
  return {
    ...base,
    statement_en: en,
    statement_zh: zh,
    customer,
    category: "efficiency",
    target_kind: "timeliness",
    target_share: share,
    timeliness_source: "transactions" in source ? "transactions" : "cases",
    transaction_type: "transactions" in source ? source.transactions : null,
    case_step: "cases" in source ? source.cases : null,
    days,
    day_unit: unit,
    min_sample: "transactions" in source ? 30 : 10,
  };
}

function measured(
  en: string,
  zh: string,
  share: number,
  m: {
    en: string;
    zh: string;
    unit: string;
    comparator: "gte" | "lte";
    threshold: number;
    min: number;
    max: number;
  },
  customer: "external" | "internal" = "external",
): VersionFields {
  return {
    ...base,
    statement_en: en,
    statement_zh: zh,
    customer,
    category: "quality",
    target_kind: "measured",
    target_share: share,
    measure_en: m.en,
    measure_zh: m.zh,
    measure_unit: m.unit,
    comparator: m.comparator,
    threshold: m.threshold,
    plausible_min: m.min,
    plausible_max: m.max,
    min_sample: 10,
  };
}

function satisfaction(
  en: string,
  zh: string,
  share: number,
  customer: "external" | "internal",
): VersionFields {
  return {
    ...base,
    statement_en: en,
    statement_zh: zh,
    customer,
    category: "quality",
    target_kind: "satisfaction",
    target_share: share,
    question_key: "overall",
    min_sample: 20,
  };
}

export const ANNEX_PLEDGES: AnnexPledge[] = [
  {
    code: "FEHD-IMPORT-LICENCE",
    department: "FEHD",
    service: "IMPORT-LICENCE",
    fields: timeliness(
      "Import licences for game, meat and poultry are issued within 5 working days.",
      "野味、肉類及家禽進口許可證於 5 個工作天內簽發。",
      "external",
      95,
      5,
      "working",
      { transactions: "IMPORT-LICENCE" },
    ),
  },
  {
    code: "HKP-LOCAL-MAIL",
    department: "HKP",
    service: "LOCAL-MAIL",
    fields: timeliness(
      "Local mail is delivered the next working day after posting.",
      "本地郵件於投寄後下一個工作天派遞。",
      "external",
      98,
      1,
      "working",
      { transactions: "LOCAL-MAIL" },
    ),
  },
  {
    code: "IMMD-ID-CARD",
    department: "IMMD",
    service: "ID-CARD",
    fields: timeliness(
      "Hong Kong identity cards are issued within 10 working days.",
      "香港身份證於 10 個工作天內簽發。",
      "external",
      99,
      10,
      "working",
      { transactions: "ID-CARD" },
    ),
  },
  {
    code: "WSD-DRINKING-WATER",
    department: "WSD",
    service: "DRINKING-WATER",
    fields: measured(
      "Drinking water is 100% compliant with the World Health Organization's 2006 guidelines.",
      "食水水質百分百符合世界衞生組織 2006 年的準則。",
      100,
      {
        en: "Share of parameters meeting the WHO guidelines in a sample",
        zh: "樣本中符合世衞準則的參數比率",
        unit: "%",
        comparator: "gte",
        threshold: 100,
        min: 0,
        max: 100,
      },
    ),
  },
  {
    code: "WSD-SALT-WATER",
    department: "WSD",
    service: "SALT-WATER",
    fields: measured(
      "Salt-water supply pressure is kept at 15 metres or more.",
      "沖廁海水供水壓力維持於 15 米或以上。",
      98,
      {
        en: "Supply pressure",
        zh: "供水壓力",
        unit: "m",
        comparator: "gte",
        threshold: 15,
        min: 0,
        max: 100,
      },
    ),
  },
  {
    code: "TD-TUNNEL-VISIBILITY",
    department: "TD",
    service: "TUNNELS",
    fields: measured(
      "Visibility in government tunnels is kept below an extinction coefficient of 0.005 per metre.",
      "政府隧道內的能見度維持於消光係數每米 0.005 以下。",
      100,
      {
        en: "Extinction coefficient",
        zh: "消光係數",
        unit: "/m",
        comparator: "lte",
        threshold: 0.005,
        min: 0,
        max: 0.1,
      },
    ),
  },
  {
    code: "HKO-SPECIAL-FORECASTS",
    department: "HKO",
    service: "AVIATION",
    fields: measured(
      "Over 90% of special forecasts for international aviation and shipping are rated accurate or very accurate.",
      "為國際航空及航運提供的特別預報，超過 90% 評為準確或非常準確。",
      90,
      {
        en: "Verification score of a forecast (1–5; 4 or more is accurate)",
        zh: "預報核實評分（1 至 5；4 或以上為準確）",
        unit: "",
        comparator: "gte",
        threshold: 4,
        min: 1,
        max: 5,
      },
    ),
  },
  {
    code: "GPA-PROPERTY-COMPLAINTS",
    department: "GPA",
    service: "PROPERTY-MGMT",
    fields: timeliness(
      "Complaints about property management are replied to within 2 working days.",
      "於 2 個工作天內回覆有關物業管理的投訴。",
      "internal",
      95,
      2,
      "working",
      { cases: "reply" },
    ),
  },
  {
    code: "GLD-TENDERS",
    department: "GLD",
    service: "TENDERS",
    fields: timeliness(
      "Tender documents are issued within 12 working days of receiving agreed specifications.",
      "於收到議定規格後 12 個工作天內發出招標文件。",
      "internal",
      95,
      12,
      "working",
      { transactions: "TENDER-DOCS" },
    ),
  },
  {
    code: "TRY-INVOICES",
    department: "TRY",
    service: "INVOICES",
    fields: timeliness(
      "Invoices are processed within 8 calendar days of receiving the payment voucher or online authorisation.",
      "於收到付款憑單或網上授權後 8 個曆日內處理發票。",
      "internal",
      98,
      8,
      "calendar",
      { transactions: "INVOICE" },
    ),
  },
  {
    code: "OGCIO-IS-STRATEGY",
    department: "OGCIO",
    service: "IS-STRATEGY",
    fields: {
      ...timeliness(
        "A work plan for an information systems strategy study is delivered within 30 working days of approval.",
        "於獲批後 30 個工作天內提交資訊系統策略研究的工作計劃。",
        "internal",
        100,
        30,
        "working",
        { transactions: "ISS-WORK-PLAN" },
      ),
      min_sample: 3,
    },
  },
  {
    code: "CSTDI-COURSE-RATING",
    department: "CSTDI",
    service: "COURSES",
    fields: satisfaction(
      "80% of trainees rate a course good or excellent on a five-point scale.",
      "80% 學員以五分制評價課程為良好或優異。",
      80,
      "internal",
    ),
  },
  {
    code: "EU-CONSULTANCY-RATING",
    department: "EU",
    service: "CONSULTANCY",
    fields: {
      ...satisfaction(
        "Every consultancy project for internal clients is rated satisfied or better.",
        "每個為內部客戶進行的顧問項目均獲評為滿意或以上。",
        100,
        "internal",
      ),
      min_sample: 3,
    },
  },
];
