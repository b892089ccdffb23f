import fs from "node:fs";
import path from "node:path";

/**
 * A small government in the registry import format (docs/import-format.md): two departments,
 * three services, four pledges (one of each history), and a few rows of each activity file.
 * `edit` may change a file's text before it is written; `omit` leaves files out.
 */
export const REGISTRY_FILES = {
  "departments.csv": [
    "code,name_en,name_zh,type,extra_column",
    "TSTB,Test Bureau,測試局,bureau,ignored",
    "TSTD,Test Department,測試署,department,ignored",
  ],
  "services.csv": [
    "department_code,service_code,name_en,name_zh",
    "TSTB,LICENCE,Licences,牌照",
    "TSTD,ENQUIRY,Enquiries,查詢",
    "TSTD,WATER,Water quality,水質",
  ],
  "pledges.csv": [
    "pledge_id,department_code,service_code,customer,nature,kind,statement_en,statement_zh,target_share,threshold,unit,measure_unit,effective_from,change,change_date,previous_target_share,previous_threshold",
    'TSTB-LIC,TSTB,LICENCE,external,efficiency,timeliness,"Licences are issued within 5 working days.",牌照於 5 個工作天內簽發。,0.9,5,working_days,,2024-01-01,none,,,',
    "TSTD-ENQ,TSTD,ENQUIRY,external,quality,satisfaction,Enquirers are satisfied.,查詢者感到滿意。,0.8,,top_two_box,,2024-01-01,strengthened,2025-01-01,0.7,",
    "TSTD-WATER,TSTD,WATER,internal,quality,measured,Turbidity stays at most 4 NTU.,濁度不超過 4 NTU。,0.95,4,value_max,NTU,2024-01-01,retired,2025-06-01,,",
    "TSTB-NEW,TSTB,LICENCE,external,efficiency,timeliness,Renewals within 10 calendar days.,續期於 10 曆日內完成。,0.85,10,calendar_days,,2024-01-01,new,2025-03-01,,",
  ],
  "transactions.csv": [
    "pledge_id,received_at,completed_at",
    "TSTB-LIC,2025-02-03T09:00:00+08:00,2025-02-05T17:00:00+08:00",
    "TSTB-LIC,2025-02-03T09:00:00+08:00,2025-02-05T17:00:00+08:00",
    "TSTB-LIC,2025-02-07T09:00:00+08:00,2025-02-20T10:00:00+08:00",
    "TSTB-NEW,2025-03-03T01:00:00Z,2025-03-10T01:00:00Z",
  ],
  "survey_responses.csv": [
    "pledge_id,submitted_at,score",
    "TSTD-ENQ,2025-01-31T20:00:00+00:00,5",
    "TSTD-ENQ,2025-02-01T10:00:00+08:00,4",
    "TSTD-ENQ,2025-02-01T10:00:00+08:00,2",
  ],
  "readings.csv": [
    "pledge_id,taken_at,value",
    "TSTD-WATER,2025-01-15T10:00:00+08:00,3.2",
    "TSTD-WATER,2025-02-15T10:00:00+08:00,4.5",
  ],
} as const;

export type RegistryFile = keyof typeof REGISTRY_FILES;

export function writeRegistryFolder(
  dir: string,
  options: {
    edit?: Partial<Record<RegistryFile, (lines: string[]) => string[]>>;
    omit?: RegistryFile[];
  } = {},
): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, lines] of Object.entries(REGISTRY_FILES) as [RegistryFile, readonly string[]][]) {
    if (options.omit?.includes(name)) continue;
    const edited = options.edit?.[name]?.([...lines]) ?? [...lines];
    fs.writeFileSync(path.join(dir, name), `${edited.join("\n")}\n`);
  }
  return dir;
}
