import type { QueueName } from "../app/models/queues/definitions";

/** A processor is a plain function of (data, context); it never touches BullMQ's Job. */
export interface ProcessorContext {
  jobId: string | undefined;
  attempt: number;
  log: (message: string) => void;
}
export type Processor = (data: unknown, ctx: ProcessorContext) => Promise<unknown>;

/**
 * Queue → job name → processor, for processors that need nothing but their data. Those that need
 * the database or a mail transport (the notifications queue) are built by
 * `buildProcessors` in jobs/processors/index.ts, which the worker's main() passes to startWorker.
 */
export const registry: Partial<Record<QueueName, Record<string, Processor>>> = {};
