import type { AppealOutcome, FeedbackChannel, FeedbackKind, ResponseChannel } from "../../../db/schema";
import type { FieldErrors } from "../../utils/forms";
import type { ResultStatus } from "../pledges/results.server";
import type { Role } from "../staff/schema";
import type { ResponseLanguage } from "../surveys/schema";

/*
 * The monthly management report's shapes and the constants pages share: safe to import in the
 * browser (types, roles, the unmet-note form's field names). Built in build.server.ts, listed and
 * read in inbox.server.ts, summed up for the government in government.server.ts.
 */

/** Who reads reports: a department's managers and administrators (theirs), the central reviewer (all). */
export const REPORT_ROLES = [
  "manager",
  "department_admin",
  "central_reviewer",
] as const satisfies readonly Role[];
/** Whose reading counts as "read by management" (the paper: assistant director or above). */
export const MANAGEMENT_ROLE = "manager";

export interface Share {
  /** top-two-box ratings (4 or 5) */
  satisfied: number;
  /** ratings given (not applicable left out) */
  rated: number;
  /** satisfied / rated, 0–1; null when nobody rated */
  share: number | null;
}

export interface TrendPoint extends Share {
  month: string;
  responses: number;
}

export interface Satisfaction extends Share {
  /** share the month before, and the change in percentage points (null when either is missing) */
  previousShare: number | null;
  change: number | null;
  trend: TrendPoint[];
}

export interface SurveySatisfaction extends Satisfaction {
  surveyId: number;
  slug: string;
  titleEn: string;
  titleZh: string;
  serviceId: number | null;
  /** the question followed: "overall", else the first five-point rating; null when it has none */
  questionKey: string | null;
  promptEn: string | null;
  promptZh: string | null;
  responses: number;
  href: string;
}

export interface ServiceSatisfaction extends Satisfaction {
  /** null: surveys about the department as a whole */
  serviceId: number | null;
  nameEn: string | null;
  nameZh: string | null;
  surveyIds: number[];
}

export interface CountLink {
  count: number;
  href: string;
}

export interface DepartmentReport {
  version: number;
  month: string;
  months: string[];
  generatedAt: string;
  /** "now" for figures that are a state rather than a month's flow (overdue cases): HK date */
  asOf: string;
  department: { id: number; code: string; nameEn: string; nameZh: string };
  surveys: {
    responses: CountLink;
    byChannel: ({ channel: ResponseChannel } & CountLink)[];
    byCollectionPoint: ({
      surveyId: number;
      pointId: number | null;
      code: string | null;
      nameEn: string | null;
      nameZh: string | null;
      channel: ResponseChannel;
    } & CountLink)[];
    perSurvey: SurveySatisfaction[];
    perService: ServiceSatisfaction[];
  };
  feedback: {
    total: CountLink;
    byKind: ({ kind: FeedbackKind } & CountLink)[];
    byChannel: ({ channel: FeedbackChannel } & CountLink)[];
    byKindAndChannel: ({ kind: FeedbackKind; channel: FeedbackChannel } & CountLink)[];
    comments: {
      source: "survey" | "feedback";
      text: string;
      language: ResponseLanguage;
      at: string;
      kind: FeedbackKind | null;
      href: string;
    }[];
  };
  complaints: {
    received: CountLink;
    closed: CountLink;
    overdue: CountLink;
    /** of the cases closed in the month: acknowledged in time, replied in time, both */
    ackMet: number;
    replyMet: number;
    closedWithinPledge: CountLink;
    appeals: {
      lodged: CountLink;
      decided: CountLink;
      decidedInTime: number;
      outcomes: Record<AppealOutcome, number>;
    };
  };
  pledges: {
    met: number;
    notMet: number;
    insufficient: number;
    items: {
      pledgeId: number;
      code: string;
      statementEn: string;
      statementZh: string;
      serviceEn: string;
      serviceZh: string;
      target: number;
      achieved: number | null;
      sample: number;
      status: ResultStatus;
      /** for a missed target: the progress note for the month, or null ("none recorded": an action item) */
      unmet: { reason: string; correctiveProposal: string; recordedAt: string } | null;
      href: string;
    }[];
  };
  importantFeedback: {
    feedbackId: number;
    kind: FeedbackKind;
    channel: FeedbackChannel;
    summary: string;
    language: ResponseLanguage;
    loggedAt: string;
    notifiedAt: string;
    href: string;
  }[];
}

/** A progress note on a missed target as a report shows it. */
export type UnmetNote = NonNullable<DepartmentReport["pledges"]["items"][number]["unmet"]>;

// ---- The government's view ----

export interface GovernmentSummary {
  month: string;
  departments: number;
  /** departments whose report for the month exists */
  reported: number;
  /** … and was read by at least one of the department's managers */
  readByManagement: number;
  readShare: number | null;
  targets: { met: number; judged: number; share: number | null };
  /** departments with missed targets, most first */
  mostUnmet: { code: string; nameEn: string; nameZh: string; count: number }[];
  /** departments with overdue cases now, most first */
  mostOverdue: { code: string; nameEn: string; nameZh: string; count: number }[];
}

// ---- The inbox ----

/** A report's state for a reader: not opened, opened, acknowledged. */
export const REPORT_STATES = ["unread", "read", "acknowledged"] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export interface ReportListRow {
  id: number;
  month: string;
  departmentId: number;
  departmentCode: string;
  departmentEn: string;
  departmentZh: string;
  generatedAt: string;
  /** the reader's own state */
  readAt: string | null;
  acknowledgedAt: string | null;
  /** the first reading and acknowledgement by one of the department's managers */
  managementReadAt: string | null;
  managementAcknowledgedAt: string | null;
}

// ---- The unmet-target note form on a report's page ----

export const NOTE_FIELDS = ["reason", "correctiveProposal"] as const;
/** Each unmet pledge has a form of its own, so its fields carry the pledge in their names (and ids). */
export const notePrefix = (pledgeId: number) => `note-${pledgeId}-`;

export interface NoteActionData {
  intent: "unmet-note";
  pledgeId: number;
  errors: FieldErrors;
  /** what was typed, shown again */
  values: Record<(typeof NOTE_FIELDS)[number], string>;
}
