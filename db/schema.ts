import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * The Database interface. Timestamps are ISO-8601 UTC strings and booleans are 0/1 integers on
 * both SQLite and Postgres, so one set of queries behaves the same on each
 * (docs/decisions/0002-portable-column-types.md).
 */

export interface DepartmentTable {
  id: Generated<number>;
  code: string;
  name_en: string;
  name_zh: string;
  /** "bureau" (a policy bureau) or "department"; see DEPARTMENT_KINDS. */
  kind: Generated<string>;
  /** 1, or 0 once deactivated: hidden from new work, history kept. */
  is_active: Generated<number>;
  created_at: string;
}
export type Department = Selectable<DepartmentTable>;
export type NewDepartment = Insertable<DepartmentTable>;

export interface ServiceTable {
  id: Generated<number>;
  department_id: number;
  code: string;
  name_en: string;
  name_zh: string;
  /** 1 for a direct public service, 0 for an internal one. */
  is_public: Generated<number>;
  /** 1, or 0 once deactivated: hidden from new work, history kept. */
  is_active: Generated<number>;
  created_at: string;
}
export type Service = Selectable<ServiceTable>;
export type NewService = Insertable<ServiceTable>;

export const STAFF_ROLES = [
  "counter_staff",
  "case_officer",
  "manager",
  "department_admin",
  "central_reviewer",
  "system_admin",
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffUserTable {
  id: Generated<number>;
  /** null only for central_reviewer and system_admin */
  department_id: number | null;
  username: string;
  display_name: string;
  role: StaffRole;
  password_hash: string;
  is_active: number;
  created_at: string;
  updated_at: string;
  last_sign_in_at: string | null;
  /** a work address for e-mailed notifications (not a citizen's personal data) */
  email: string | null;
  /** the language of the staff member's e-mail ("en" | "zh-HK"); null: not known yet */
  language: string | null;
}
export type StaffUser = Selectable<StaffUserTable>;
export type NewStaffUser = Insertable<StaffUserTable>;
export type StaffUserUpdate = Updateable<StaffUserTable>;

export interface SessionTable {
  /** sha-256 of the token in the cookie: a database leak does not hand out live sessions */
  id: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
}
export type Session = Selectable<SessionTable>;
export type NewSession = Insertable<SessionTable>;

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: string;
  actor_user_id: number | null;
  department_id: number | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  /** JSON; never personal data (no names, contacts, free text a citizen wrote) */
  detail: string | null;
}
export type AuditEvent = Selectable<AuditEventTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;

export interface Database {
  departments: DepartmentTable;
  services: ServiceTable;
  staff_users: StaffUserTable;
  sessions: SessionTable;
  audit_events: AuditEventTable;
  surveys: SurveyTable;
  survey_versions: SurveyVersionTable;
  survey_questions: SurveyQuestionTable;
  question_options: QuestionOptionTable;
  collection_points: CollectionPointTable;
  survey_responses: SurveyResponseTable;
  survey_answers: SurveyAnswerTable;
  api_keys: ApiKeyTable;
  response_batches: ResponseBatchTable;
  case_settings: CaseSettingsTable;
  closure_days: ClosureDayTable;
  cases: CaseTable;
  case_sequences: CaseSequenceTable;
  case_clock_stops: CaseClockStopTable;
  case_events: CaseEventTable;
  case_attachments: CaseAttachmentTable;
  case_referrals: CaseReferralTable;
  appeals: AppealTable;
  feedback_entries: FeedbackEntryTable;
  notifications: NotificationTable;
  notification_reads: NotificationReadTable;
  pledges: PledgeTable;
  pledge_versions: PledgeVersionTable;
  service_transactions: ServiceTransactionTable;
  quality_readings: QualityReadingTable;
  data_imports: DataImportTable;
  pledge_unmet_notes: PledgeUnmetNoteTable;
  outbox_messages: OutboxMessageTable;
  case_survey_invitations: CaseSurveyInvitationTable;
  monthly_reports: MonthlyReportTable;
  report_reads: ReportReadTable;
  government_summaries: GovernmentSummaryTable;
  rate_limits: RateLimitTable;
  staff_tokens: StaffTokenTable;
  department_settings: DepartmentSettingsTable;
  pledge_results: PledgeResultTable;
  pledge_results_stale: PledgeResultStaleTable;
  registry_imports: RegistryImportTable;
  liaison_groups: LiaisonGroupTable;
  liaison_group_services: LiaisonGroupServiceTable;
  liaison_meetings: LiaisonMeetingTable;
  review_rounds: ReviewRoundTable;
  review_returns: ReviewReturnTable;
}

/** A rate-limit window kept in the database while Redis is down (app/models/rate-limits/windows.server.ts). */
export interface RateLimitTable {
  /** `<limiter>:<key>`; keys are HMACs, never a raw address or user name */
  key: string;
  /** points used in the window */
  points: number;
  /** when the window ends (ISO-8601 UTC) */
  expires_at: string;
}

// ---- Surveys (issue 3) ----

export const QUESTION_TYPES = ["rating5", "nps", "single", "multiple", "short_text", "long_text"] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const POINT_CHANNELS = ["web", "counter", "kiosk", "hotline", "leaflet", "email"] as const;
export type PointChannel = (typeof POINT_CHANNELS)[number];
export const RESPONSE_CHANNELS = [...POINT_CHANNELS, "paper", "api"] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];
export type SurveyStatus = "draft" | "published" | "closed";

export interface SurveyTable {
  id: Generated<number>;
  department_id: number;
  service_id: number | null;
  /** the short public code: /s/<slug> */
  slug: string;
  status: SurveyStatus;
  /** the version citizens answer now */
  current_version_id: number | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  closed_at: string | null;
  /** 0 for surveys reached only by invitation (not on the public "Give feedback" list) */
  listed: Generated<number>;
}
export type Survey = Selectable<SurveyTable>;

export interface SurveyVersionTable {
  id: Generated<number>;
  survey_id: number;
  version_no: number;
  title_en: string;
  title_zh: string;
  intro_en: string;
  intro_zh: string;
  created_at: string;
}
export type SurveyVersion = Selectable<SurveyVersionTable>;

export interface SurveyQuestionTable {
  id: Generated<number>;
  version_id: number;
  position: number;
  question_key: string;
  type: QuestionType;
  required: number;
  prompt_en: string;
  prompt_zh: string;
  max_length: number | null;
}
export type SurveyQuestion = Selectable<SurveyQuestionTable>;

export interface QuestionOptionTable {
  id: Generated<number>;
  question_id: number;
  position: number;
  code: string;
  label_en: string;
  label_zh: string;
}
export type QuestionOption = Selectable<QuestionOptionTable>;

export interface CollectionPointTable {
  id: Generated<number>;
  survey_id: number;
  code: string;
  name_en: string;
  name_zh: string;
  channel: PointChannel;
  is_active: number;
  created_at: string;
}
export type CollectionPoint = Selectable<CollectionPointTable>;

export interface SurveyResponseTable {
  id: Generated<number>;
  survey_id: number;
  version_id: number;
  department_id: number;
  collection_point_id: number | null;
  channel: ResponseChannel;
  language: "en" | "zh-HK";
  /** when the citizen answered (for offline batches, on the tablet) */
  submitted_at: string;
  /** YYYY-MM of submitted_at in Hong Kong time */
  month: string;
  /** when the server stored it */
  received_at: string;
  /** the staff member who keyed in a paper form */
  entered_by: number | null;
  batch_id: number | null;
  /** a natural key of a response loaded by the registry import (null otherwise): re-loading inserts nothing */
  import_key: Generated<string | null>;
}
export type SurveyResponse = Selectable<SurveyResponseTable>;

export interface SurveyAnswerTable {
  id: Generated<number>;
  response_id: number;
  survey_id: number;
  question_id: number;
  question_key: string;
  month: string;
  channel: ResponseChannel;
  language: "en" | "zh-HK";
  collection_point_id: number | null;
  /** rating5: 1–5; nps: 0–10 */
  value_number: number | null;
  /** single and multiple choice: one row per chosen option */
  option_id: number | null;
  value_text: string | null;
  /** rating5 answered "not applicable" */
  not_applicable: number;
}
export type SurveyAnswer = Selectable<SurveyAnswerTable>;

export interface ApiKeyTable {
  id: Generated<number>;
  department_id: number;
  name: string;
  /** the first characters of the key, shown so staff can tell keys apart */
  prefix: string;
  /** sha-256 of the whole key; the key itself is shown once, at creation */
  key_hash: string;
  created_by: number | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}
export type ApiKey = Selectable<ApiKeyTable>;

export interface ResponseBatchTable {
  id: Generated<number>;
  department_id: number;
  idempotency_key: string;
  request_hash: string;
  response_count: number;
  api_key_id: number | null;
  created_at: string;
}
export type ResponseBatch = Selectable<ResponseBatchTable>;

// ---- Feedback, cases and appeals (issue 4) ----

export type DayUnit = "working" | "calendar";

export interface CaseSettingsTable {
  department_id: number;
  ack_days: number;
  ack_unit: DayUnit;
  reply_days: number;
  reply_unit: DayUnit;
  appeal_window_days: number;
  appeal_reply_days: number;
  appeal_reply_unit: DayUnit;
  purge_after_days: number;
  updated_at: string;
}
export type CaseSettings = Selectable<CaseSettingsTable>;

export interface ClosureDayTable {
  id: Generated<number>;
  date: string;
  department_id: number | null;
  reason_en: string;
  reason_zh: string;
  created_by: number | null;
  created_at: string;
}

export const CASE_STATUSES = [
  "received",
  "acknowledged",
  "under_investigation",
  "awaiting_customer",
  "replied",
  "closed",
  "referred",
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface CaseTable {
  id: Generated<number>;
  reference: string;
  department_id: number;
  service_id: number | null;
  status: CaseStatus;
  channel: string;
  language: "en" | "zh-HK";
  what_happened: string;
  desired_outcome: string;
  contact_name_enc: string | null;
  contact_email_enc: string | null;
  contact_phone_enc: string | null;
  consent_at: string | null;
  received_at: string;
  month: string;
  assigned_to: number | null;
  ack_due: string | null;
  reply_due: string | null;
  acknowledged_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  ack_met: number | null;
  reply_met: number | null;
  status_before_stop: CaseStatus | null;
  overdue_notified_at: string | null;
  feedback_id: number | null;
  created_by: number | null;
  purged_at: string | null;
  updated_at: string;
}
export type Case = Selectable<CaseTable>;

export interface CaseSequenceTable {
  department_id: number;
  period: string;
  last_value: number;
}

export interface CaseClockStopTable {
  id: Generated<number>;
  case_id: number;
  from_at: string;
  to_at: string | null;
  reason: string;
}

export type CaseEventKind =
  | "transition"
  | "note"
  | "reply"
  | "assign"
  | "refer"
  | "refer-accept"
  | "refer-return"
  | "appeal"
  | "appeal-decision"
  /** a closure day entered or removed moved the due dates (body: JSON, see models/calendar/closure-days.server.ts) */
  | "deadline"
  /** the citizen's answer from /track (body: their text; their files name it in case_attachments.event_id) */
  | "citizen-answer";

export interface CaseEventTable {
  id: Generated<number>;
  case_id: number;
  at: string;
  actor_user_id: number | null;
  kind: CaseEventKind;
  from_status: string | null;
  to_status: string | null;
  body: string | null;
  visible_to_citizen: number;
  department_id: number | null;
}
export type CaseEvent = Selectable<CaseEventTable>;

export interface CaseAttachmentTable {
  id: Generated<number>;
  case_id: number;
  stored_name: string;
  original_name: string;
  mime: string;
  size: number;
  sha256: string;
  uploaded_at: string;
  /** the citizen's answer (case event) the file came with; null: with the complaint */
  event_id: Generated<number | null>;
}
export type CaseAttachment = Selectable<CaseAttachmentTable>;

export interface CaseReferralTable {
  id: Generated<number>;
  case_id: number;
  from_department_id: number;
  to_department_id: number;
  reason: string;
  status: "pending" | "accepted" | "returned";
  created_by: number | null;
  created_at: string;
  decided_by: number | null;
  decided_at: string | null;
  decision_note: string | null;
}

export type AppealOutcome = "upheld" | "partly_upheld" | "not_upheld";

export interface AppealTable {
  id: Generated<number>;
  case_id: number;
  lodged_at: string;
  lodged_by: "citizen" | "staff";
  lodged_by_user: number | null;
  grounds: string;
  original_handler_id: number | null;
  reviewer_id: number | null;
  due: string | null;
  outcome: AppealOutcome | null;
  reply: string | null;
  decided_at: string | null;
  met: number | null;
}
export type Appeal = Selectable<AppealTable>;

export const FEEDBACK_KINDS = ["compliment", "suggestion", "complaint", "enquiry"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export const FEEDBACK_CHANNELS = [
  "counter",
  "hotline",
  "suggestion_form",
  "email",
  "letter",
  "meeting",
  "liaison_group",
] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];

export interface FeedbackEntryTable {
  id: Generated<number>;
  department_id: number;
  service_id: number | null;
  kind: FeedbackKind;
  channel: FeedbackChannel;
  summary: string;
  language: "en" | "zh-HK";
  important: number;
  logged_by: number | null;
  logged_at: string;
  month: string;
  case_id: number | null;
}
export type FeedbackEntry = Selectable<FeedbackEntryTable>;

export interface NotificationTable {
  id: Generated<number>;
  department_id: number;
  kind: "important_feedback" | "case_overdue";
  entity_type: string;
  entity_id: number;
  created_at: string;
  emailed_at: string | null;
}

export interface NotificationReadTable {
  notification_id: number;
  user_id: number;
  read_at: string;
}

// ---- Performance pledges (issue 5) ----

export type PledgeStatus = "draft" | "approved" | "published" | "retired";
export type TargetKind = "timeliness" | "satisfaction" | "measured";
export type ChangeReason = "initial" | "strengthened" | "new_service" | "obsolete" | "corrected";

export interface PledgeTable {
  id: Generated<number>;
  department_id: number;
  service_id: number;
  code: string;
  status: PledgeStatus;
  current_version_id: number | null;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  retired_at: string | null;
}
export type Pledge = Selectable<PledgeTable>;

export interface PledgeVersionTable {
  id: Generated<number>;
  pledge_id: number;
  version_no: number;
  statement_en: string;
  statement_zh: string;
  customer: "external" | "internal";
  category: "efficiency" | "quality";
  target_kind: TargetKind;
  target_share: number;
  timeliness_source: "cases" | "transactions" | null;
  case_step: "ack" | "reply" | null;
  transaction_type: string | null;
  days: number | null;
  day_unit: DayUnit | null;
  survey_id: number | null;
  question_key: string | null;
  measure_en: string | null;
  measure_zh: string | null;
  measure_unit: string | null;
  comparator: "gte" | "lte" | null;
  threshold: number | null;
  plausible_min: number | null;
  plausible_max: number | null;
  min_sample: number;
  effective_from: string;
  effective_to: string | null;
  change_reason: ChangeReason;
  created_by: number | null;
  created_at: string;
}
export type PledgeVersion = Selectable<PledgeVersionTable>;

export interface ServiceTransactionTable {
  id: Generated<number>;
  department_id: number;
  transaction_type: string;
  external_ref: string;
  received_at: string;
  completed_at: string | null;
  month: string | null;
  working_days: number | null;
  calendar_days: number | null;
  import_id: number | null;
  created_at: string;
}

export interface QualityReadingTable {
  id: Generated<number>;
  pledge_id: number;
  taken_on: string;
  month: string;
  value: number;
  evidence_note: string | null;
  entered_by: number | null;
  import_id: number | null;
  created_at: string;
  /** a natural key of a reading loaded by the registry import (null otherwise) */
  import_key: Generated<string | null>;
}

export interface DataImportTable {
  id: Generated<number>;
  department_id: number;
  kind: "transactions" | "readings";
  filename: string;
  rows: number;
  imported_by: number | null;
  imported_at: string;
}

export interface PledgeUnmetNoteTable {
  id: Generated<number>;
  pledge_id: number;
  period: string;
  reason: string;
  corrective_proposal: string;
  recorded_by: number | null;
  recorded_at: string;
}

// ---- E-mail outbox and closing the loop ----

export interface OutboxMessageTable {
  id: Generated<number>;
  dedupe_key: string;
  kind: string;
  department_id: number | null;
  to_enc: string;
  subject: string;
  /** plain text; "{{APP_ORIGIN}}" is replaced with the public origin when sent */
  body_text: string;
  created_at: string;
  sent_at: string | null;
  attempts: number;
  last_error: string | null;
  /** when a worker started sending it; a claim older than 10 minutes may be taken again */
  claimed_at: string | null;
  /** an e-mail to this case's complainant (deleted with the case's contact details); null for staff e-mail */
  complainant_case_id: Generated<number | null>;
  /** "sms": to a complainant who gave only a phone number (to_enc is the number) */
  channel: Generated<"email" | "sms">;
}
export type OutboxMessage = Selectable<OutboxMessageTable>;

export interface CaseSurveyInvitationTable {
  case_id: number;
  token: string;
  survey_id: number;
  created_at: string;
  used_at: string | null;
}

// ---- Monthly management reports (issue 6) ----

export interface MonthlyReportTable {
  id: Generated<number>;
  department_id: number;
  /** YYYY-MM, Hong Kong time */
  month: string;
  /** JSON of a DepartmentReport (app/models/reports/schema.ts); no personal data */
  data: string;
  generated_at: string;
}
export type MonthlyReport = Selectable<MonthlyReportTable>;

export interface ReportReadTable {
  report_id: number;
  user_id: number;
  read_at: string;
  acknowledged_at: string | null;
}
export type ReportRead = Selectable<ReportReadTable>;

export interface GovernmentSummaryTable {
  /** YYYY-MM, Hong Kong time */
  month: string;
  /** JSON of a GovernmentSummary (app/models/reports/schema.ts) */
  data: string;
  generated_at: string;
}

// ---- Staff who get their mail (issue 12) ----

export type StaffTokenPurpose = "reset" | "invite" | "email";

/** A single-use link e-mailed to a staff member; only the sha-256 of the token is stored. */
export interface StaffTokenTable {
  id: Generated<number>;
  user_id: number;
  purpose: StaffTokenPurpose;
  token_hash: string;
  /** the address being confirmed (purpose "email") */
  new_email: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
export type StaffToken = Selectable<StaffTokenTable>;

/** A department's settings beyond its case handling times. */
export interface DepartmentSettingsTable {
  department_id: number;
  /** the survey a citizen is invited to when their case closes; null: none */
  closure_survey_id: number | null;
  updated_at: string;
}

// ---- Stored results (issue 12, results) ----

/** A pledge's result for one month, judged against the version in force that month. */
export interface PledgeResultTable {
  pledge_id: number;
  /** YYYY-MM, Hong Kong time */
  month: string;
  version_id: number;
  total: number;
  compliant: number;
  /** percent: the target of the version in force that month */
  target_share: number;
  status: "met" | "not_met" | "insufficient";
  computed_at: string;
}
export type StoredPledgeResult = Selectable<PledgeResultTable>;

/** A mark that some stored results are out of date: the worker's results.refresh recomputes them. */
export interface PledgeResultStaleTable {
  id: Generated<number>;
  department_id: number;
  /** null: every pledge of the department */
  pledge_id: number | null;
  /** null: every month the pledge was in force */
  month: string | null;
  marked_at: string;
}
// ---- Registry import (issue 12) ----

export type RegistryImportStatus = "queued" | "validating" | "loading" | "done" | "refused" | "failed";

/** One import of a government's folder (app/models/imports/), its progress and its errors. */
export interface RegistryImportTable {
  id: Generated<number>;
  status: RegistryImportStatus;
  /** JSON: the file names as uploaded */
  files: string;
  rows_read: Generated<number>;
  rows_stored: Generated<number>;
  total_bytes: Generated<number>;
  bytes_read: Generated<number>;
  /** JSON of a refused or failed load's errors, as keys and values (translated when shown) */
  errors: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  created_by: number | null;
}
export type RegistryImport = Selectable<RegistryImportTable>;

// ---- Liaison groups (issue 16): customer liaison groups and user committees, and their meetings ----

/** A standing group that gives a department feedback (the paper: about half of departments have one). */
export interface LiaisonGroupTable {
  id: Generated<number>;
  department_id: number;
  /** "liaison-group" (顧客聯絡小組) or "user-committee" (使用者委員會) */
  kind: "liaison-group" | "user-committee";
  name_en: string;
  name_zh: string;
  /** 1, or 0 once disbanded: history kept */
  is_active: Generated<number>;
  created_at: string;
  created_by: number | null;
}
export type LiaisonGroup = Selectable<LiaisonGroupTable>;

/** The services a liaison group covers. */
export interface LiaisonGroupServiceTable {
  group_id: number;
  service_id: number;
}

/** One meeting of a liaison group: its date and a short summary in each language. */
export interface LiaisonMeetingTable {
  id: Generated<number>;
  group_id: number;
  /** YYYY-MM-DD */
  met_on: string;
  summary_en: string;
  summary_zh: string;
  created_at: string;
  created_by: number | null;
}
export type LiaisonMeeting = Selectable<LiaisonMeetingTable>;

// ---- Review of performance pledges (issue 16) ----

/** A review round the central bureau opens: a period of months and a deadline for the returns. */
export interface ReviewRoundTable {
  id: Generated<number>;
  /** YYYY-MM: the first month of the period (36 months before the last, as the paper's) */
  period_from: string;
  /** YYYY-MM: the last month of the period */
  period_to: string;
  /** YYYY-MM-DD: returns submitted after this day (Hong Kong time) are accepted and marked late */
  deadline: string;
  /** "open" (returns may be submitted), "published" (the table is public to all staff), "closed" */
  status: "open" | "published" | "closed";
  created_at: string;
  created_by: number | null;
  published_at: string | null;
}
export type ReviewRound = Selectable<ReviewRoundTable>;

/** One department's return for a round: its declarations (see app/models/reviews/questions.ts). */
export interface ReviewReturnTable {
  id: Generated<number>;
  round_id: number;
  department_id: number;
  /** "draft" (being filled), "submitted" (locked), "returned" (sent back for correction, editable) */
  status: "draft" | "submitted" | "returned";
  /** JSON: { [questionKey]: { value: boolean | number | null, note: string } } */
  answers: string;
  /** "form" or "import" (loaded from a CSV by the central bureau) */
  source: "form" | "import";
  submitted_at: string | null;
  submitted_by: number | null;
  /** 1 when submitted after the round's deadline */
  is_late: Generated<number>;
  returned_at: string | null;
  returned_by: number | null;
  /** why the central bureau returned it for correction (shown to the department) */
  return_reason: string | null;
  updated_at: string;
}
export type ReviewReturn = Selectable<ReviewReturnTable>;
