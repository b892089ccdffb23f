import type { QueueName } from "./queues";

/** A processor is a plain function of (data, context); it never touches BullMQ's Job. */
export interface ProcessorContext {
  jobId: string | undefined;
  attempt: number;
  log: (message: string) => void;
}
export type Processor = (data: unknown, ctx: ProcessorContext) => Promise<unknown>;

/** Queue → job name → processor. Empty until the reports issue registers its processors. */
export const registry: Partial<Record<QueueName, Record<string, Processor>>> = {};
