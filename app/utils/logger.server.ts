import pino from "pino";

/** One logger for the process. Never log personal data: ids and counts only. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.PLEDGE_PROCESS ?? "web" },
  redact: { paths: ["password", "*.password", "email", "*.email", "phone", "*.phone"], censor: "[redacted]" },
});
