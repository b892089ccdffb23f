import enApi from "./locales/en/api.json";
import enCaseLists from "./locales/en/caseLists.json";
import enCaseMessages from "./locales/en/caseMessages.json";
import enCases from "./locales/en/cases.json";
import enCharts from "./locales/en/charts.json";
import enCommon from "./locales/en/common.json";
import enComplaints from "./locales/en/complaints.json";
import enDashboard from "./locales/en/dashboard.json";
import enDepartmentsAdmin from "./locales/en/departmentsAdmin.json";
import enDigest from "./locales/en/digest.json";
import enFeedback from "./locales/en/feedback.json";
import enLiaison from "./locales/en/liaison.json";
import enMail from "./locales/en/mail.json";
import enPhone from "./locales/en/phone.json";
import enPledges from "./locales/en/pledges.json";
import enPledgesAdmin from "./locales/en/pledgesAdmin.json";
import enQueues from "./locales/en/queues.json";
import enRegistryImport from "./locales/en/registryImport.json";
import enReports from "./locales/en/reports.json";
import enResults from "./locales/en/results.json";
import enReviewImport from "./locales/en/reviewImport.json";
import enReviews from "./locales/en/reviews.json";
import enReviewTable from "./locales/en/reviewTable.json";
import enStaffAccount from "./locales/en/staffAccount.json";
import enStoredResults from "./locales/en/storedResults.json";
import enSurveys from "./locales/en/surveys.json";
import zhApi from "./locales/zh-HK/api.json";
import zhCaseLists from "./locales/zh-HK/caseLists.json";
import zhCaseMessages from "./locales/zh-HK/caseMessages.json";
import zhCases from "./locales/zh-HK/cases.json";
import zhCharts from "./locales/zh-HK/charts.json";
import zhCommon from "./locales/zh-HK/common.json";
import zhComplaints from "./locales/zh-HK/complaints.json";
import zhDashboard from "./locales/zh-HK/dashboard.json";
import zhDepartmentsAdmin from "./locales/zh-HK/departmentsAdmin.json";
import zhDigest from "./locales/zh-HK/digest.json";
import zhFeedback from "./locales/zh-HK/feedback.json";
import zhLiaison from "./locales/zh-HK/liaison.json";
import zhMail from "./locales/zh-HK/mail.json";
import zhPhone from "./locales/zh-HK/phone.json";
import zhPledges from "./locales/zh-HK/pledges.json";
import zhPledgesAdmin from "./locales/zh-HK/pledgesAdmin.json";
import zhQueues from "./locales/zh-HK/queues.json";
import zhRegistryImport from "./locales/zh-HK/registryImport.json";
import zhReports from "./locales/zh-HK/reports.json";
import zhResults from "./locales/zh-HK/results.json";
import zhReviewImport from "./locales/zh-HK/reviewImport.json";
import zhReviews from "./locales/zh-HK/reviews.json";
import zhReviewTable from "./locales/zh-HK/reviewTable.json";
import zhStaffAccount from "./locales/zh-HK/staffAccount.json";
import zhStoredResults from "./locales/zh-HK/storedResults.json";
import zhSurveys from "./locales/zh-HK/surveys.json";

export const SUPPORTED_LOCALES = ["en", "zh-HK"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

/**
 * Both languages' strings, one file per feature under app/locales/<lang>/, merged into one
 * namespace (each file's keys sit under their own top-level names). They are small; bundling them
 * saves a request and works without JavaScript.
 */
export const resources = {
  en: {
    common: {
      ...enCommon,
      ...enSurveys,
      ...enResults,
      ...enApi,
      ...enFeedback,
      ...enComplaints,
      ...enCases,
      ...enPledges,
      ...enPledgesAdmin,
      ...enMail,
      ...enReports,
      ...enQueues,
      ...enDigest,
      ...enDepartmentsAdmin,
      ...enStaffAccount,
      ...enStoredResults,
      ...enRegistryImport,
      ...enDashboard,
      ...enCaseMessages,
      ...enCaseLists,
      ...enPhone,
      ...enCharts,
      ...enReviews,
      ...enLiaison,
      ...enReviewTable,
      ...enReviewImport,
    },
  },
  "zh-HK": {
    common: {
      ...zhCommon,
      ...zhSurveys,
      ...zhResults,
      ...zhApi,
      ...zhFeedback,
      ...zhComplaints,
      ...zhCases,
      ...zhPledges,
      ...zhPledgesAdmin,
      ...zhMail,
      ...zhReports,
      ...zhQueues,
      ...zhDigest,
      ...zhDepartmentsAdmin,
      ...zhStaffAccount,
      ...zhStoredResults,
      ...zhRegistryImport,
      ...zhDashboard,
      ...zhCaseMessages,
      ...zhCaseLists,
      ...zhPhone,
      ...zhCharts,
      ...zhReviews,
      ...zhLiaison,
      ...zhReviewTable,
      ...zhReviewImport,
    },
  },
} as const;
export const i18nConfig = {
  supportedLngs: [...SUPPORTED_LOCALES],
  fallbackLng: DEFAULT_LOCALE,
  defaultNS: "common",
  ns: ["common"],
  interpolation: { escapeValue: false },
};

/** Maps any Chinese preference to our Traditional Chinese, anything else we lack to English. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const t = tag.trim().toLowerCase();
  if (t === "en" || t.startsWith("en-")) return "en";
  if (t === "zh" || t.startsWith("zh-")) return "zh-HK";
  return null;
}

/** The best of our locales for an Accept-Language header, honouring q-values. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const prefs = header
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag ?? "", q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((p) => p.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const p of prefs) {
    const m = matchLocale(p.tag);
    if (m) return m;
  }
  return null;
}
