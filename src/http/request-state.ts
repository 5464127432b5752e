import type { Context } from 'koa';
import type { FundsConfirmationConsent } from '../domain/funds-confirmations/funds-confirmation-consent.js';
import type { AppStanding } from '../domain/partners/partner-app.js';
import type { DomesticPaymentConsent } from '../domain/payments/payment-consent.js';
import type { DomesticVrpConsent } from '../domain/payments/vrp/vrp-consent.js';
import type { ApiError } from './api-error.js';
import type { VerifiedToken } from './middleware/require-access-token.js';
import type { RequestBodies, RequestSchema } from './request-bodies.js';

/**
 * One piece of what the resource API learns about a request: written by the step that establishes it, read by the
 * steps after it. Held beside the request rather than on the untyped `ctx.state`, so that every read is typed; reading
 * a piece before its step ran is a programming error (a 500).
 */
class RequestSlot<Value> {
  private readonly values = new WeakMap<Context, { readonly value: Value }>();

  constructor(private readonly what: string) {}

  set(ctx: Context, value: Value): void {
    this.values.set(ctx, { value });
  }

  find(ctx: Context): { readonly value: Value } | undefined {
    return this.values.get(ctx);
  }

  get(ctx: Context): Value {
    const held = this.values.get(ctx);
    if (!held) throw new Error(`${this.what} was read before the step that establishes it ran`);
    return held.value;
  }
}

const interaction = new RequestSlot<{ readonly id: string; readonly invalidSent: boolean }>('The interaction id');
const token = new RequestSlot<VerifiedToken>('The verified access token');
const paymentConsent = new RequestSlot<DomesticPaymentConsent>('The payment consent');
const vrpConsent = new RequestSlot<DomesticVrpConsent>('The VRP consent');
const fundsConfirmationConsent = new RequestSlot<FundsConfirmationConsent>('The funds confirmation consent');
const appStanding = new RequestSlot<AppStanding | null>("The app's standing");
const appVersion = new RequestSlot<number>("The app's version");
const bodyRefusal = new RequestSlot<ApiError>('The refusal of the request body');
const body = new RequestSlot<Partial<RequestBodies>>('The validated request body');
const idempotencyKey = new RequestSlot<string>('The idempotency key');

/** Set by `assignInteractionId`: the request's `x-fapi-interaction-id`, and whether the partner sent a malformed one. */
export function rememberInteractionId(ctx: Context, id: string, invalidSent: boolean): void {
  interaction.set(ctx, { id, invalidSent });
}

/** The request's `x-fapi-interaction-id` (the partner's, or one made up for it). */
export function interactionIdOf(ctx: Context): string {
  return interaction.get(ctx).id;
}

/** Whether the partner sent an `x-fapi-interaction-id` that is not a UUID. */
export function sentInvalidInteractionId(ctx: Context): boolean {
  return interaction.get(ctx).invalidSent;
}

/** Set by `requireAccessToken`. */
export function rememberVerifiedToken(ctx: Context, verified: VerifiedToken): void {
  token.set(ctx, verified);
}

/** The access token `requireAccessToken` verified. */
export function verifiedTokenOf(ctx: Context): VerifiedToken {
  return token.get(ctx);
}

/** The verified access token, if the request got that far (for what is logged about every request). */
export function findVerifiedToken(ctx: Context): VerifiedToken | undefined {
  return token.find(ctx)?.value;
}

/** The partner app (OAuth client) calling: the client of the verified access token. */
export function clientOf(ctx: Context): string {
  return token.get(ctx).clientId;
}

/** Set by `requirePaymentConsent`. */
export function rememberPaymentConsent(ctx: Context, consent: DomesticPaymentConsent): void {
  paymentConsent.set(ctx, consent);
}

/** The payment consent the customer token is bound to. */
export function paymentConsentOf(ctx: Context): DomesticPaymentConsent {
  return paymentConsent.get(ctx);
}

/** Set by `requireVrpConsent`. */
export function rememberVrpConsent(ctx: Context, consent: DomesticVrpConsent): void {
  vrpConsent.set(ctx, consent);
}

/** The VRP consent the customer token is bound to. */
export function vrpConsentOf(ctx: Context): DomesticVrpConsent {
  return vrpConsent.get(ctx);
}

/** Set by `requireFundsConfirmationConsent`. */
export function rememberFundsConfirmationConsent(ctx: Context, consent: FundsConfirmationConsent): void {
  fundsConfirmationConsent.set(ctx, consent);
}

/** The funds confirmation consent the customer token is bound to. */
export function fundsConfirmationConsentOf(ctx: Context): FundsConfirmationConsent {
  return fundsConfirmationConsent.get(ctx);
}

/** Set by a consent guard that read the app's standing with the consent (null: the app does not exist). */
export function rememberAppStanding(ctx: Context, standing: AppStanding | null): void {
  appStanding.set(ctx, standing);
}

/** The app's standing if a step has read it already; undefined when none has. */
export function knownAppStanding(ctx: Context): { readonly value: AppStanding | null } | undefined {
  return appStanding.find(ctx);
}

/** Set by `requireActiveApp`. */
export function rememberAppVersion(ctx: Context, version: number): void {
  appVersion.set(ctx, version);
}

/** The current version of the (active) app: what is cached about its keys follows it. */
export function appVersionOf(ctx: Context): number {
  return appVersion.get(ctx);
}

/** Set by the body parser when it refused the body (too large); reported where the body is validated. */
export function rememberBodyRefusal(ctx: Context, refusal: ApiError): void {
  bodyRefusal.set(ctx, refusal);
}

/** Why the body parser refused the body, if it did. */
export function findBodyRefusal(ctx: Context): ApiError | undefined {
  return bodyRefusal.find(ctx)?.value;
}

/** Set by `validateRequestBody` once `schema` passed the body. */
export function rememberValidatedBody<Schema extends RequestSchema>(ctx: Context, schema: Schema, validated: RequestBodies[Schema]): void {
  const bodies: Partial<RequestBodies> = {};
  bodies[schema] = validated;
  body.set(ctx, bodies);
}

/** The request body, as validated against `schema`. */
export function validatedBodyOf<Schema extends RequestSchema>(ctx: Context, schema: Schema): RequestBodies[Schema] {
  const validated = body.get(ctx)[schema];
  if (validated === undefined) throw new Error(`The request body was not validated against ${schema}`);
  return validated;
}

/** Set by `requireIdempotencyKey`. */
export function rememberIdempotencyKey(ctx: Context, key: string): void {
  idempotencyKey.set(ctx, key);
}

/** The request's `x-idempotency-key`, as checked by `requireIdempotencyKey`. */
export function idempotencyKeyOf(ctx: Context): string {
  return idempotencyKey.get(ctx);
}
