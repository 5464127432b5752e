/** An email the platform sends (to a partner's contact address). */
export interface OutboundMail {
  readonly id: string;
  readonly recipient: string;
  readonly subject: string;
  readonly text: string;
  readonly createdAt: Date;
}

/**
 * Where mail goes. Nothing leaves the machine: mail is kept in the database, where the sandbox mailbox page
 * shows it to the recipient.
 */
export interface MailOutbox {
  send(mail: OutboundMail): Promise<void>;
  /** The newest mail to one address, newest first. */
  listFor(recipient: string, limit: number): Promise<OutboundMail[]>;
}
