/**
 * Text messages to citizens who gave only a phone number (issue 14). The outbox holds them like
 * e-mail (channel "sms", the number encrypted); the sender hands each to an SmsSender. No SMS
 * gateway is contracted yet, so the one implementation logs that a message was sent: its outbox
 * id and length only, never the number or the text (no personal data in logs).
 */
import { logger } from "../../utils/logger.server";

export interface SmsMessage {
  /** the outbox message's id: one text per id, so a gateway can recognise a resend */
  id: number;
  /** the number as the citizen gave it */
  to: string;
  text: string;
}

/** What an SMS gateway must do: send one text, or throw (the outbox records the failure). */
export interface SmsSender {
  sendSms(message: SmsMessage): Promise<void>;
}

/** Logs "sms sent" with the outbox id and the text's length: a stand-in until a gateway exists. */
export function loggingSmsSender(log: Pick<typeof logger, "info"> = logger): SmsSender {
  return {
    async sendSms(m) {
      log.info({ outboxId: m.id, chars: [...m.text].length }, "sms sent");
    },
  };
}
