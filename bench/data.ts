import type { Summary } from "./stats";

export interface DataFigure {
  name: string;
  rows: {
    figure: string;
    product: string;
    reference: string;
    ratio?: Summary;
    goal?: string;
    reached?: boolean;
  }[];
  raw: unknown;
}

export interface DataTarget {
  name: string;
  describe: string;
  run(o: { repeats: number; quick: boolean }): Promise<DataFigure>;
}

export const DATA_TARGETS: DataTarget[] = [];
