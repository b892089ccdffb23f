import type { QuestionType } from "./schema";

export interface TemplateQuestion {
  key: string;
  type: QuestionType;
  required: boolean;
  promptEn: string;
  promptZh: string;
  options?: { code: string; labelEn: string; labelZh: string }[];
}

/** "Customer satisfaction (five-point)": the ready-made template of issue 3. */
export const CSAT5_TEMPLATE = {
  titleEn: "Customer satisfaction survey",
  titleZh: "顧客滿意程度問卷調查",
  introEn: "Please tell us about the service you received today. It takes about one minute and is anonymous.",
  introZh: "請告訴我們你今天所得到的服務。填寫約需一分鐘，不記名。",
  questions: [
    {
      key: "overall",
      type: "rating5",
      required: true,
      promptEn: "Overall, how satisfied are you with our service?",
      promptZh: "整體而言，你對我們的服務有多滿意？",
    },
    {
      key: "courtesy",
      type: "rating5",
      required: false,
      promptEn: "How satisfied are you with the courtesy of our staff?",
      promptZh: "你對職員的禮貌有多滿意？",
    },
    {
      key: "waiting",
      type: "rating5",
      required: false,
      promptEn: "How satisfied are you with the waiting time?",
      promptZh: "你對輪候時間有多滿意？",
    },
    {
      key: "clarity",
      type: "rating5",
      required: false,
      promptEn: "How satisfied are you with the clarity of the information we gave you?",
      promptZh: "你對我們所提供資料的清晰程度有多滿意？",
    },
    {
      key: "comments",
      type: "long_text",
      required: false,
      promptEn: "Any comments or suggestions?",
      promptZh: "你有其他意見或建議嗎？",
    },
  ] satisfies TemplateQuestion[],
};

/** The short survey a citizen is invited to when their case closes (closing the loop). */
export const CASE_HANDLING_TEMPLATE = {
  titleEn: "How we handled your complaint",
  titleZh: "我們如何處理你的投訴",
  introEn:
    "Your case has been closed. Please tell us how we handled it. It takes half a minute and is anonymous.",
  introZh: "你的個案已經完結。請告訴我們處理得如何。填寫約需半分鐘，不記名。",
  questions: [
    {
      key: "overall",
      type: "rating5",
      required: true,
      promptEn: "Overall, how satisfied are you with how we handled your complaint?",
      promptZh: "整體而言，你對我們處理你的投訴有多滿意？",
    },
    {
      key: "timeliness",
      type: "rating5",
      required: false,
      promptEn: "How satisfied are you with the time we took?",
      promptZh: "你對我們處理所需的時間有多滿意？",
    },
    {
      key: "comments",
      type: "long_text",
      required: false,
      promptEn: "Anything else you would like to tell us?",
      promptZh: "你還有其他意見嗎？",
    },
  ] satisfies TemplateQuestion[],
};
