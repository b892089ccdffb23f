import pino from "pino";
import { requestContext } from "./request-context.server";

/**
 * One logger for the process. Never log personal data: ids and counts only. Every line written
 * during a request carries its `reqId`, during a job its `jobId` (app/utils/request-context.server.ts).
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.PLEDGE_PROCESS ?? "web" },
  redact: { paths: ["password", "*.password", "email", "*.email", "phone", "*.phone"], censor: "[redacted]" },
  mixin: () => requestContext.getStore() ?? {},
});
