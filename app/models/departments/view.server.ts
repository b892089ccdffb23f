import type { Service } from "../../../db/schema";

/** A service as the admin pages show it (components/departments/admin-forms.tsx `ServiceItem`). */
export function serviceItems(services: readonly Service[]) {
  return services.map((s) => ({
    id: s.id,
    code: s.code,
    nameEn: s.name_en,
    nameZh: s.name_zh,
    isPublic: s.is_public === 1,
    isActive: s.is_active === 1,
  }));
}

/** The notices a saved service form leads to (`?saved=` on the page it returns to). */
export const SERVICE_NOTICES = ["serviceCreated", "serviceSaved", "deactivated", "reactivated"] as const;

export function savedNotice(url: string): string | null {
  const saved = new URL(url).searchParams.get("saved");
  return saved && (SERVICE_NOTICES as readonly string[]).concat(["created", "saved"]).includes(saved)
    ? saved
    : null;
}
