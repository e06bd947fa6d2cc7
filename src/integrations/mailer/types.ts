/** A plain-text message to one recipient. The body may hold a one-time code: never log it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface SendOptions {
  /** Aborts the send (and any retries still to come), e.g. at shutdown. */
  signal?: AbortSignal;
}

/**
 * The port every mail sender implements. `send` resolves once the server accepted the message and rejects
 * only with `AppError` whose message is safe to store and log (no credentials, no address, no body).
 */
export interface MailTransport {
  send(message: MailMessage, options?: SendOptions): Promise<void>;
}
