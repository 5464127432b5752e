/**
 * Base class of every business failure. The domain never knows HTTP: `http/error-mapping.ts` maps each
 * code to a status and an OBIE error code in one table.
 */
export abstract class DomainError extends Error {
  /** Stable machine-readable code, e.g. `ConsentNotFound`. */
  abstract readonly code: string;
  /** The offending field in OBIE dotted form (`Data.Permissions`), when there is one. */
  readonly path: string | undefined;

  constructor(message: string, path?: string) {
    super(message);
    this.name = new.target.name;
    this.path = path;
  }
}

/** A request field holds a value the rules refuse (OBIE U002). */
export class InvalidField extends DomainError {
  readonly code = 'InvalidField';
}

/** A field the request needs here is absent, though the schema leaves it optional (OBIE U004). */
export class FieldMissing extends DomainError {
  readonly code = 'FieldMissing';
}

/** A field sent in a combination that does not allow it (OBIE U005). */
export class FieldUnexpected extends DomainError {
  readonly code = 'FieldUnexpected';
}

/** A date field is invalid, or in the past/future where it must not be (OBIE U003). */
export class InvalidDate extends DomainError {
  readonly code = 'InvalidDate';
}

/** A resource id that does not exist, or that the caller may not know exists (OBIE U011). */
export class ResourceNotFound extends DomainError {
  readonly code = 'ResourceNotFound';
}

/** The resource exists but belongs to another partner or customer (HTTP 403). */
export class ResourceForbidden extends DomainError {
  readonly code = 'ResourceForbidden';
}

/** The consent is not in a status that allows the operation (OBIE U009). */
export class InvalidConsentStatus extends DomainError {
  readonly code = 'InvalidConsentStatus';
}

/** The consent lacks the permission the resource needs (HTTP 403). */
export class PermissionMissing extends DomainError {
  readonly code = 'PermissionMissing';
}

/** A debit would take an account's available funds below its allowed overdraft (ISO reason AM04). */
export class InsufficientFunds extends DomainError {
  readonly code = 'InsufficientFunds';
}

/** The action is not allowed in the resource's current state (e.g. reinstating an app that is not suspended). */
export class ActionNotAllowed extends DomainError {
  readonly code = 'ActionNotAllowed';
}

/** Someone else changed the resource at the same time; reading it again and retrying is safe. */
export class ConcurrentChange extends DomainError {
  readonly code = 'ConcurrentChange';
}
