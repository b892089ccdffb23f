import type { Db } from "../../../db/client";
import type { Department, PledgeVersion, Service, TargetKind } from "../../../db/schema";
import {
  type Checked,
  code,
  DEPARTMENT_CODE,
  date,
  number,
  oneOf,
  PLEDGE_ID,
  problemOf,
  share,
  text,
} from "./checks";
import {
  CHANGES,
  CUSTOMERS,
  DEPARTMENT_TYPES,
  type ImportFile,
  KINDS,
  NATURES,
  UNITS,
  UNITS_OF_KIND,
} from "./format";
import { eachRow, type Problems, type Row } from "./table.server";

/*
 * The registry files (departments, services, pledges) read and checked against each other and
 * against what the database holds. They are small (thousands of rows), so they are kept whole.
 */

export interface DepartmentRow {
  code: string;
  nameEn: string;
  nameZh: string;
  kind: (typeof DEPARTMENT_TYPES)[number];
  line: number;
}
export interface ServiceRow {
  departmentCode: string;
  code: string;
  nameEn: string;
  nameZh: string;
  line: number;
}
export interface PledgeRow {
  code: string;
  departmentCode: string;
  serviceCode: string;
  customer: (typeof CUSTOMERS)[number];
  category: (typeof NATURES)[number];
  kind: TargetKind;
  statementEn: string;
  statementZh: string;
  /** percent */
  share: number;
  threshold: number | null;
  unit: (typeof UNITS)[number];
  measureUnit: string | null;
  effectiveFrom: string;
  change: (typeof CHANGES)[number];
  changeDate: string | null;
  previousShare: number | null;
  previousThreshold: number | null;
  line: number;
}
export interface StoredPledge {
  id: number;
  code: string;
  departmentId: number;
  departmentCode: string;
  status: string;
  version: PledgeVersion;
}

export interface Registry {
  departments: Map<string, DepartmentRow>;
  services: Map<string, ServiceRow>;
  pledges: Map<string, PledgeRow>;
  stored: {
    departments: Map<string, Department>;
    /** key `${departmentCode}\0${serviceCode}` */
    services: Map<string, Service>;
    pledges: Map<string, StoredPledge>;
  };
}

export const serviceKey = (departmentCode: string, serviceCode: string) =>
  `${departmentCode}\0${serviceCode}`;

/** What the database holds of departments, services and pledges (with their current version). */
export async function storedRegistry(db: Db): Promise<Registry["stored"]> {
  const departments = await db.selectFrom("departments").selectAll().execute();
  const byId = new Map(departments.map((d) => [d.id, d]));
  const services = await db.selectFrom("services").selectAll().execute();
  const pledges = await db
    .selectFrom("pledges as p")
    .innerJoin("pledge_versions as v", "v.id", "p.current_version_id")
    .selectAll("v")
    .select([
      "p.id as p_id",
      "p.code as p_code",
      "p.department_id as p_department_id",
      "p.status as p_status",
    ])
    .execute();
  return {
    departments: new Map(departments.map((d) => [d.code, d])),
    services: new Map(services.map((s) => [serviceKey(byId.get(s.department_id)?.code ?? "", s.code), s])),
    pledges: new Map(
      pledges.map(({ p_id, p_code, p_department_id, p_status, ...version }) => [
        p_code,
        {
          id: p_id,
          code: p_code,
          departmentId: p_department_id,
          departmentCode: byId.get(p_department_id)?.code ?? "",
          status: p_status,
          version: version as PledgeVersion,
        },
      ]),
    ),
  };
}

/** Reads one column's value with its check; a problem is added and undefined returned when bad. */
function reader(file: ImportFile, line: number, problems: Problems) {
  let good = true;
  return {
    get good() {
      return good;
    },
    take<T>(column: string, c: Checked<T>): T | undefined {
      if (c.ok) return c.value;
      good = false;
      problems.add(problemOf(file, line, column, c));
      return undefined;
    },
  };
}

const optional = (get: Row, column: string) => get(column).trim();

/** Reads and checks the three registry files that are present, against each other and the database. */
export async function readRegistry(
  db: Db,
  files: Map<ImportFile, { path: string }>,
  problems: Problems,
  onBytes: (n: number) => void,
  onRows: (n: number) => void,
): Promise<Registry> {
  const stored = await storedRegistry(db);
  const departments = new Map<string, DepartmentRow>();
  const services = new Map<string, ServiceRow>();
  const pledges = new Map<string, PledgeRow>();

  const deptFile = files.get("departments.csv");
  if (deptFile) {
    const file = "departments.csv";
    await eachRow(
      file,
      deptFile.path,
      problems,
      (get, line) => {
        onRows(1);
        const r = reader(file, line, problems);
        const c = r.take("code", code(get("code"), "code", DEPARTMENT_CODE));
        const nameEn = r.take("name_en", text(get("name_en"), "name_en", 200));
        const nameZh = r.take("name_zh", text(get("name_zh"), "name_zh", 200));
        const kind = r.take("type", oneOf(get("type"), "type", DEPARTMENT_TYPES));
        if (c === undefined) return;
        const first = departments.get(c);
        if (first) {
          problems.add({
            file,
            line,
            column: "code",
            key: "duplicate",
            values: { value: c, first: first.line },
          });
          return;
        }
        if (r.good) departments.set(c, { code: c, nameEn: nameEn!, nameZh: nameZh!, kind: kind!, line });
      },
      onBytes,
    );
  }
  const departmentKnown = (c: string) => departments.has(c) || stored.departments.has(c);

  const serviceFile = files.get("services.csv");
  if (serviceFile) {
    const file = "services.csv";
    await eachRow(
      file,
      serviceFile.path,
      problems,
      (get, line) => {
        onRows(1);
        const r = reader(file, line, problems);
        const d = r.take("department_code", code(get("department_code"), "department_code", DEPARTMENT_CODE));
        const s = r.take("service_code", code(get("service_code"), "service_code"));
        const nameEn = r.take("name_en", text(get("name_en"), "name_en", 200));
        const nameZh = r.take("name_zh", text(get("name_zh"), "name_zh", 200));
        if (d !== undefined && !departmentKnown(d)) {
          r.take("department_code", { ok: false, key: "unknownDepartment", values: { value: d } });
        }
        if (d === undefined || s === undefined) return;
        const key = serviceKey(d, s);
        const first = services.get(key);
        if (first) {
          problems.add({
            file,
            line,
            column: "service_code",
            key: "duplicate",
            values: { value: `${d} ${s}`, first: first.line },
          });
          return;
        }
        if (r.good) services.set(key, { departmentCode: d, code: s, nameEn: nameEn!, nameZh: nameZh!, line });
      },
      onBytes,
    );
  }

  const pledgeFile = files.get("pledges.csv");
  if (pledgeFile) {
    const file = "pledges.csv";
    await eachRow(
      file,
      pledgeFile.path,
      problems,
      (get, line) => {
        onRows(1);
        const row = readPledgeRow(get, line, problems, {
          departmentKnown,
          serviceKnown: (d, s) => services.has(serviceKey(d, s)) || stored.services.has(serviceKey(d, s)),
          stored: stored.pledges,
        });
        if (!row) return;
        const first = pledges.get(row.code);
        if (first) {
          problems.add({
            file,
            line,
            column: "pledge_id",
            key: "duplicate",
            values: { value: row.code, first: first.line },
          });
          return;
        }
        pledges.set(row.code, row);
      },
      onBytes,
    );
  }
  return { departments, services, pledges, stored };
}

function readPledgeRow(
  get: Row,
  line: number,
  problems: Problems,
  known: {
    departmentKnown: (d: string) => boolean;
    serviceKnown: (d: string, s: string) => boolean;
    stored: Map<string, StoredPledge>;
  },
): PledgeRow | null {
  const file = "pledges.csv";
  const r = reader(file, line, problems);
  const id = r.take("pledge_id", code(get("pledge_id"), "pledge_id", PLEDGE_ID));
  const d = r.take("department_code", code(get("department_code"), "department_code", DEPARTMENT_CODE));
  const s = r.take("service_code", code(get("service_code"), "service_code"));
  if (d !== undefined && !known.departmentKnown(d))
    r.take("department_code", { ok: false, key: "unknownDepartment", values: { value: d } });
  else if (d !== undefined && s !== undefined && !known.serviceKnown(d, s))
    r.take("service_code", { ok: false, key: "unknownService", values: { value: s, department: d } });
  const storedPledge = id === undefined ? undefined : known.stored.get(id);
  if (storedPledge && d !== undefined && storedPledge.departmentCode !== d)
    r.take("department_code", {
      ok: false,
      key: "otherDepartment",
      values: { value: id!, department: storedPledge.departmentCode },
    });
  const customer = r.take("customer", oneOf(get("customer"), "customer", CUSTOMERS));
  const category = r.take("nature", oneOf(get("nature"), "nature", NATURES));
  const kind = r.take("kind", oneOf(get("kind"), "kind", KINDS));
  const statementEn = r.take("statement_en", text(get("statement_en"), "statement_en"));
  const statementZh = r.take("statement_zh", text(get("statement_zh"), "statement_zh"));
  const target = r.take("target_share", share(get("target_share"), "target_share"));
  const unit = r.take("unit", oneOf(get("unit"), "unit", UNITS));
  if (kind && unit && !UNITS_OF_KIND[kind].includes(unit))
    r.take("unit", {
      ok: false,
      key: "unitOfKind",
      values: { kind, allowed: UNITS_OF_KIND[kind].join(", ") },
    });
  let threshold: number | null = null;
  const rawThreshold = optional(get, "threshold");
  if (kind === "timeliness") {
    const n = r.take("threshold", number(rawThreshold, "threshold"));
    if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 366))
      r.take("threshold", { ok: false, key: "days", values: { value: rawThreshold } });
    threshold = n ?? null;
  } else if (kind === "measured") {
    threshold = r.take("threshold", number(rawThreshold, "threshold")) ?? null;
  }
  const measureUnit = optional(get, "measure_unit") || null;
  const effectiveFrom = r.take("effective_from", date(get("effective_from"), "effective_from"));
  const changeRaw = optional(get, "change") || "none";
  const change = r.take("change", oneOf(changeRaw, "change", CHANGES));
  let changeDate: string | null = null;
  if (change && change !== "none") {
    if (!optional(get, "change_date"))
      r.take("change_date", { ok: false, key: "changeDate", values: { change } });
    else changeDate = r.take("change_date", date(get("change_date"), "change_date")) ?? null;
    if (changeDate && effectiveFrom && change === "strengthened" && changeDate <= effectiveFrom)
      r.take("change_date", { ok: false, key: "changeBeforeStart", values: { value: changeDate } });
  }
  let previousShare: number | null = null;
  let previousThreshold: number | null = null;
  if (change === "strengthened") {
    if (!optional(get, "previous_target_share"))
      r.take("previous_target_share", { ok: false, key: "previousShare" });
    else
      previousShare =
        r.take("previous_target_share", share(get("previous_target_share"), "previous_target_share")) ?? null;
    const pt = optional(get, "previous_threshold");
    if (pt && kind !== "satisfaction")
      previousThreshold = r.take("previous_threshold", number(pt, "previous_threshold")) ?? null;
    if (
      kind === "timeliness" &&
      previousThreshold !== null &&
      (!Number.isInteger(previousThreshold) || previousThreshold < 0)
    )
      r.take("previous_threshold", { ok: false, key: "days", values: { value: pt } });
  }
  if (!r.good) return null;
  return {
    code: id!,
    departmentCode: d!,
    serviceCode: s!,
    customer: customer!,
    category: category!,
    kind: kind!,
    statementEn: statementEn!,
    statementZh: statementZh!,
    share: target!,
    threshold,
    unit: unit!,
    measureUnit,
    effectiveFrom: effectiveFrom!,
    change: change!,
    changeDate,
    previousShare,
    previousThreshold,
    line,
  };
}
