/** OBIE v4 consent statuses (`OBInternalConsentStatus1Code`), behind readable names. */
export const ConsentStatus = {
  AwaitingAuthorisation: 'AWAU',
  Authorised: 'AUTH',
  Rejected: 'RJCT',
  Revoked: 'CANC',
  Expired: 'EXPD',
  Consumed: 'COND',
} as const;

export type ConsentStatus = (typeof ConsentStatus)[keyof typeof ConsentStatus];
