import type { DomainError } from '../domain/errors.js';

/** The one table mapping business failures to HTTP statuses and OBIE v4 error codes (NOTES §7.2). */
const DOMAIN_ERRORS: Readonly<Record<string, { status: number; errorCode: string }>> = {
  InvalidField: { status: 400, errorCode: 'U002' },
  FieldMissing: { status: 400, errorCode: 'U004' },
  FieldUnexpected: { status: 400, errorCode: 'U005' },
  InvalidDate: { status: 400, errorCode: 'U003' },
  ResourceNotFound: { status: 400, errorCode: 'U011' },
  ResourceForbidden: { status: 403, errorCode: 'U011' },
  InvalidConsentStatus: { status: 400, errorCode: 'U009' },
  PermissionMissing: { status: 403, errorCode: 'U011' },
  ConsentMismatch: { status: 400, errorCode: 'U008' },
  IdempotencyKeyReused: { status: 400, errorCode: 'U006' },
  UnsupportedCurrency: { status: 400, errorCode: 'U023' },
  UnsupportedLocalInstrument: { status: 400, errorCode: 'U026' },
  UnsupportedScheme: { status: 400, errorCode: 'U027' },
  UnsupportedEventType: { status: 400, errorCode: 'U024' },
  UnsupportedFrequency: { status: 400, errorCode: 'U025' },
  ResourceAlreadyExists: { status: 409, errorCode: 'U029' },
  UnsupportedControlParameter: { status: 400, errorCode: 'U002' },
  ControlParametersBreached: { status: 400, errorCode: 'U014' },
  ExchangeRateExpired: { status: 400, errorCode: 'U003' },
  TestClockAdvancing: { status: 409, errorCode: 'U029' },
  TestClockLimitReached: { status: 400, errorCode: 'U002' },
};

/** Status and OBIE code for a domain error; an unmapped code is a programming error (500). */
export function mapDomainError(error: DomainError): { status: number; errorCode: string } {
  return DOMAIN_ERRORS[error.code] ?? { status: 500, errorCode: 'U000' };
}
