import type { Migration } from "kysely";
import * as m20261127T1300 from "./20261127T1300-foundation";
import * as m20261127T1400 from "./20261127T1400-surveys";
import * as m20261127T1500 from "./20261127T1500-cases";
import * as m20261127T1600 from "./20261127T1600-pledges";
import * as m20261127T1700 from "./20261127T1700-outbox";
import * as m20261127T1800 from "./20261127T1800-results-filter-index";
import * as m20261127T1900 from "./20261127T1900-staff-email";
import * as m20261127T2000 from "./20261127T2000-monthly-reports";
import * as m20261127T2100 from "./20261127T2100-government-summaries";
import * as m20261127T2200 from "./20261127T2200-report-indexes";
import * as m20261206T1000 from "./20261206T1000-rate-limits";
import * as m20261206T1100 from "./20261206T1100-case-event-deadline";
import * as m20261206T1200 from "./20261206T1200-outbox-complainant";
import * as m20261206T1300 from "./20261206T1300-drop-bench-rows";
import * as m20261206T1500 from "./20261206T1500-departments-admin";
import * as m20261207T0100 from "./20261207T0100-staff-tokens";
import * as m20261207T0200 from "./20261207T0200-registry-imports";
import * as m20261207T0300 from "./20261207T0300-stored-results";
import * as m20261207T1000 from "./20261207T1000-case-search";
import * as m20261207T1100 from "./20261207T1100-case-messages";
import * as m20261207T1300 from "./20261207T1300-liaison-groups";
import * as m20261207T1400 from "./20261207T1400-review-rounds";

/** Every migration, by name, in order. Add new ones at the end; never rename or edit old ones. */
export const migrations: Record<string, Migration> = {
  "20261127T1300-foundation": m20261127T1300,
  "20261127T1400-surveys": m20261127T1400,
  "20261127T1500-cases": m20261127T1500,
  "20261127T1600-pledges": m20261127T1600,
  "20261127T1700-outbox": m20261127T1700,
  "20261127T1800-results-filter-index": m20261127T1800,
  "20261127T1900-staff-email": m20261127T1900,
  "20261127T2000-monthly-reports": m20261127T2000,
  "20261127T2100-government-summaries": m20261127T2100,
  "20261127T2200-report-indexes": m20261127T2200,
  "20261206T1000-rate-limits": m20261206T1000,
  "20261206T1100-case-event-deadline": m20261206T1100,
  "20261206T1200-outbox-complainant": m20261206T1200,
  "20261206T1300-drop-bench-rows": m20261206T1300,
  "20261206T1500-departments-admin": m20261206T1500,
  "20261207T0100-staff-tokens": m20261207T0100,
  "20261207T0300-stored-results": m20261207T0300,
  "20261207T0200-registry-imports": m20261207T0200,
  "20261207T1000-case-search": m20261207T1000,
  "20261207T1100-case-messages": m20261207T1100,
  "20261207T1300-liaison-groups": m20261207T1300,
  "20261207T1400-review-rounds": m20261207T1400,
};
