/**
 * Demo data: the twelve departments of the pledge paper's annex (shared/domain.md), with real
 * English and Chinese names and a few core services each. Deterministic: the same every time.
 */
export interface SeedService {
  code: string;
  en: string;
  zh: string;
}
export interface SeedDepartment {
  code: string;
  en: string;
  zh: string;
  services: SeedService[];
}

export const DEPARTMENTS: SeedDepartment[] = [
  {
    code: "FEHD",
    en: "Food and Environmental Hygiene Department",
    zh: "食物環境衞生署",
    services: [
      {
        code: "IMPORT-LICENCE",
        en: "Import licences for game, meat and poultry",
        zh: "野味、肉類及家禽進口許可證",
      },
      { code: "FOOD-LICENCE", en: "Food business licences", zh: "食物業牌照" },
      { code: "STREET-CLEANING", en: "Street cleansing", zh: "街道潔淨" },
    ],
  },
  {
    code: "HKP",
    en: "Hongkong Post",
    zh: "香港郵政",
    services: [
      { code: "LOCAL-MAIL", en: "Local mail delivery", zh: "本地郵件派遞" },
      { code: "COUNTER", en: "Post office counter services", zh: "郵政局櫃位服務" },
      { code: "SPEEDPOST", en: "Speedpost", zh: "特快專遞" },
    ],
  },
  {
    code: "IMMD",
    en: "Immigration Department",
    zh: "入境事務處",
    services: [
      { code: "ID-CARD", en: "Hong Kong identity cards", zh: "香港身份證" },
      { code: "PASSPORT", en: "HKSAR passports", zh: "香港特區護照" },
      { code: "BIRTH-REG", en: "Birth registration", zh: "出生登記" },
    ],
  },
  {
    code: "WSD",
    en: "Water Supplies Department",
    zh: "水務署",
    services: [
      { code: "DRINKING-WATER", en: "Drinking water quality", zh: "食水水質" },
      { code: "SALT-WATER", en: "Salt-water supply for flushing", zh: "沖廁海水供應" },
      { code: "ACCOUNTS", en: "Water accounts and billing", zh: "水費賬戶" },
    ],
  },
  {
    code: "TD",
    en: "Transport Department",
    zh: "運輸署",
    services: [
      { code: "TUNNELS", en: "Government tunnels", zh: "政府隧道" },
      { code: "DRIVING-LICENCE", en: "Driving licences", zh: "駕駛執照" },
      { code: "VEHICLE-LICENCE", en: "Vehicle licensing", zh: "車輛牌照" },
    ],
  },
  {
    code: "HKO",
    en: "Hong Kong Observatory",
    zh: "香港天文台",
    services: [
      { code: "AVIATION", en: "Special forecasts for international aviation", zh: "國際航空特別預報" },
      { code: "SHIPPING", en: "Special forecasts for shipping", zh: "航運特別預報" },
      { code: "WARNINGS", en: "Weather warnings", zh: "天氣警告" },
    ],
  },
  {
    code: "GPA",
    en: "Government Property Agency",
    zh: "政府產業署",
    services: [
      { code: "PROPERTY-MGMT", en: "Property management of government buildings", zh: "政府物業管理" },
      { code: "ACCOMMODATION", en: "Office accommodation", zh: "辦公地方分配" },
    ],
  },
  {
    code: "GLD",
    en: "Government Logistics Department",
    zh: "政府物流服務署",
    services: [
      { code: "TENDERS", en: "Tender documents", zh: "招標文件" },
      { code: "TRANSPORT", en: "Government transport", zh: "政府車輛服務" },
    ],
  },
  {
    code: "TRY",
    en: "Treasury",
    zh: "庫務署",
    services: [
      { code: "INVOICES", en: "Invoice processing", zh: "處理發票" },
      { code: "PAYROLL", en: "Payroll", zh: "薪俸發放" },
    ],
  },
  {
    code: "OGCIO",
    en: "Office of the Government Chief Information Officer",
    zh: "政府資訊科技總監辦公室",
    services: [
      { code: "IS-STRATEGY", en: "Information systems strategy studies", zh: "資訊系統策略研究" },
      { code: "IT-SUPPORT", en: "IT infrastructure support", zh: "資訊科技基礎設施支援" },
    ],
  },
  {
    code: "CSTDI",
    en: "Civil Service Training and Development Institute",
    zh: "公務員培訓處",
    services: [
      { code: "COURSES", en: "Training courses", zh: "培訓課程" },
      { code: "E-LEARNING", en: "E-learning", zh: "網上學習" },
    ],
  },
  {
    code: "EU",
    en: "Efficiency Unit",
    zh: "效率促進組",
    services: [
      {
        code: "CONSULTANCY",
        en: "Consultancy for bureaux and departments",
        zh: "為政策局及部門提供顧問服務",
      },
      { code: "1823", en: "1823 citizen's easy link", zh: "1823 政府熱線" },
    ],
  },
];

/** The demo password of every demo account: printed at start, for a local trial only. */
export const DEMO_PASSWORD = "pledge-demo-2026";

/** One demo account per role (department roles in the Immigration Department). */
export const DEMO_ACCOUNTS = [
  {
    username: "counter.immd",
    displayName: "Chan Tai Man",
    role: "counter_staff",
    department: "IMMD",
    email: "counter.immd@pledge.example",
  },
  {
    username: "officer.immd",
    displayName: "Wong Siu Ming",
    role: "case_officer",
    department: "IMMD",
    email: "officer.immd@pledge.example",
  },
  {
    username: "manager.immd",
    displayName: "Lee Ka Yan",
    role: "manager",
    department: "IMMD",
    email: "manager.immd@pledge.example",
  },
  {
    username: "admin.immd",
    displayName: "Cheung Wai Kit",
    role: "department_admin",
    department: "IMMD",
    email: "admin.immd@pledge.example",
  },
  {
    username: "reviewer",
    displayName: "Ho Mei Ling",
    role: "central_reviewer",
    department: null,
    email: "reviewer@pledge.example",
  },
  {
    username: "sysadmin",
    displayName: "Lam Chi Keung",
    role: "system_admin",
    department: null,
    email: "sysadmin@pledge.example",
  },
  // A second department's administrator, to see department scoping at work.
  {
    username: "admin.hkp",
    displayName: "Yip Hoi Yan",
    role: "department_admin",
    department: "HKP",
    email: "admin.hkp@pledge.example",
  },
] as const;
