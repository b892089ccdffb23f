import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  raw: string;
  at: number;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** messages whose DATA arrived but were never accepted (see `hold`) */
  held: number;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free port (smtp-server). `hold(n, raw)` is asked for the n-th message
 * (from 1) once its data has arrived: true keeps the client waiting for the answer for ever, so the
 * message is never accepted (a worker killed mid-send); `onHold` runs then.
 */
export async function startSmtp(
  options: { hold?: (n: number, raw: string) => boolean; onHold?: () => void; port?: number } = {},
): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let count = 0;
  const state = { held: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (d: Buffer) => chunks.push(d));
      stream.on("end", () => {
        count++;
        const raw = Buffer.concat(chunks).toString("utf8");
        if (options.hold?.(count, raw)) {
          state.held++;
          options.onHold?.();
          return; // never answered: the message is not accepted
        }
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          at: Date.now(),
        });
        callback();
      });
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    received,
    get held() {
      return state.held;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The decoded Subject header of a raw message (RFC 2047 words joined). */
export function subjectOf(raw: string): string {
  const m = raw.match(/^Subject: (.*(?:\r?\n[ \t].*)*)/im);
  if (!m) return "";
  return m[1]!
    .replace(/\r?\n[ \t]/g, " ")
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === "b"
        ? Buffer.from(text, "base64").toString("utf8")
        : text
            .replace(/_/g, " ")
            .replace(/(=[0-9A-F]{2})+/gi, (seq) =>
              Buffer.from(seq.replace(/=/g, ""), "hex").toString("utf8"),
            ),
    );
}
