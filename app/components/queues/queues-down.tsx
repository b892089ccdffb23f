import { useTranslation } from "react-i18next";

/** Redis cannot be reached: where the web looked for it, and the commands that start it. */
export function QueuesDown({ redisHelp }: { redisHelp: { url: string; commands: string[] } | null }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="queues-down" className="notice">
      <h2 id="queues-down">{t("queues.down.title")}</h2>
      <p>{t("queues.down.body", { url: redisHelp?.url ?? "" })}</p>
      <p>{t("queues.down.howTo")}</p>
      <ul>
        {(redisHelp?.commands ?? []).map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
