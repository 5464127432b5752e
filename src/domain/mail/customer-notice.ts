/** What a notice's wording needs that only the database knows, read in the transaction that writes the mail. */
export interface CustomerNoticeFacts {
  readonly customerName: string;
  /** The name of the app the notice is about ("an app" when it is gone). */
  readonly appName: string;
}

/** The words of a mail to a customer. */
export interface CustomerMailText {
  readonly subject: string;
  readonly text: string;
}

/**
 * A mail the bank owes a customer about the result of something they started (a payment settled or rejected, a
 * connected app's access ended), as the domain decides it. Written in the same transaction as the change it reports,
 * to the customer's address at that moment; a customer without an address gets none.
 */
export interface CustomerNotice {
  readonly customerId: string;
  /** The app the notice is about. */
  readonly clientId: string;
  /** The mail's words, given the facts read with the customer's address. */
  readonly compose: (facts: CustomerNoticeFacts) => CustomerMailText;
  readonly occurredAt: Date;
}

/** The bank's signature under every mail to a customer. */
export const CUSTOMER_MAIL_SIGNATURE = 'OpenTeller Bank\nWe never ask for your password in an email.';
