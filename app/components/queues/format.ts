import { useTranslation } from "react-i18next";
import { formats } from "~/utils/formats";

/** Counts and times as the queues page shows them, in the reader's language. */
export function useQueueFormats() {
  const { i18n } = useTranslation();
  const f = formats(i18n.language);
  return { count: f.count, at: f.atSeconds };
}

/** A queue's name in the reader's language (its own name for a queue we have no words for). */
export function useQueueLabel() {
  const { t } = useTranslation();
  return (name: string) => t(`queues.names.${name}`, { defaultValue: name });
}
