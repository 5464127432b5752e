import { ConsentStatus } from '../../consents/consent-status.js';
import { DomainError, InvalidConsentStatus, ResourceForbidden, ResourceNotFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { netMovementMinor } from '../../ledger/funds.js';
import { chargesFor, totalCharges, type FeeSchedule } from '../charges.js';
import { assertSameAsConsent, ConsentMismatch } from '../consent-match.js';
import type { DomesticPayment, OrderedPayment, PaymentExecution, PaymentStore } from '../domestic-payment.js';
import { findIdempotentReplay, idempotencyRecord, type IdempotencyClaim } from '../idempotency.js';
import { resolvePayee, type PayeeResolution } from '../payee.js';
import { decidePayment, type PaymentOrder } from '../payment-decision.js';
import { parseInitiation, type PaymentInstruction } from '../payment-instruction.js';
import { paymentTransfers } from '../payment-transfers.js';
import { decidedPayment, executeOnce, payeeRoute, riskWindowsAt, storedPayment, type PaymentServices } from '../payments.js';
import { DEFAULT_INTERACTION_TYPES, periodAnchor, readVrpControlParameters, VrpType, type VrpControlParameters } from './control-parameters.js';
import { assessVrpPayment, ControlParametersBreached, usageWindows } from './limits.js';
import type { DomesticVrpConsent, VrpConsentStore } from './vrp-consent.js';

/** What making a VRP needs: what a domestic payment needs, and the fee schedule its charges come from. */
export interface VrpPaymentServices extends PaymentServices {
  readonly fees: FeeSchedule;
}

/** The partner's VRP request (`OBDomesticVRPRequest`), already schema-valid. */
export interface VrpRequest {
  readonly Data: {
    readonly ConsentId: string;
    readonly PSUAuthenticationMethod: string;
    readonly PSUInteractionType?: string;
    readonly VRPType: string;
    readonly Initiation: unknown;
    readonly Instruction: Readonly<Record<string, unknown>>;
  };
  readonly Risk: unknown;
}

/** A VRP and whether it was created by this request or an earlier one with the same idempotency key. */
export interface MadeVrp {
  readonly payment: DomesticPayment;
  readonly replayed: boolean;
}

/** The consent already has a payment with this `InstructionIdentification` (OBIE U029, 409): a replay is never paid twice. */
export class InstructionAlreadyMade extends DomainError {
  readonly code = 'ResourceAlreadyExists';
}

/** The members of the consent's `Initiation` that, when the consent names them, each payment's `Instruction` must repeat. */
const FIXED_BY_CONSENT = ['CreditorAccount', 'RemittanceInformation'] as const;

/**
 * Makes one payment under a VRP mandate (domestic-vrps.md), exactly once:
 * - the same idempotency key with the same request within 24 hours returns the payment it made; with another
 *   request, `IdempotencyKeyReused`. A second payment of one `InstructionIdentification` under the consent (the same
 *   request replayed under a new key) is refused with `InstructionAlreadyMade` and pays nothing;
 * - the request must name the consent the token is bound to, repeat its `Initiation` and `Risk` exactly
 *   (`ConsentMismatch`, U008), and its `Instruction` must repeat the creditor and remittance the consent names;
 * - its `VRPType`, `PSUAuthenticationMethod` and `PSUInteractionType` (default `OffSession`) must be ones the consent
 *   allows, and a sweeping payment to an account at this bank must go to the customer's own account
 *   (`ControlParametersBreached`, 400 U014, naming the control parameter);
 * - the consent must be `AUTH` (U009); it stays `AUTH`. Under its lock, in the payment's transaction, the consent's
 *   payments not rejected are summed over each periodic limit's current period, and {@link decidePayment} refuses a
 *   payment outside the validity days, in another currency, above `MaximumIndividualAmount` or above what is left of
 *   a periodic limit (U014) — so concurrent payments, on any number of processes, can never together exceed a limit.
 *   Then payee, risk and funds decide as for a domestic payment (`ACSC`, `ACSP` or `RJCT` with its reason).
 * @throws ConsentMismatch (U008), InvalidConsentStatus (U009), ControlParametersBreached (U014),
 *   InstructionAlreadyMade (U029), IdempotencyKeyReused (U006), and the instruction's field errors.
 */
export async function makeDomesticVrp(
  services: VrpPaymentServices,
  consent: DomesticVrpConsent,
  request: VrpRequest,
  claim: IdempotencyClaim,
  now: Date,
): Promise<MadeVrp> {
  if (request.Data.ConsentId !== consent.id) {
    throw new ConsentMismatch(`ConsentId ${request.Data.ConsentId} is not the consent this access token was issued for`, 'Data.ConsentId');
  }
  if (consent.status !== ConsentStatus.Authorised || !consent.customerId || !consent.debtorAccountId) {
    return replayOrRefuse(services, consent, claim, now);
  }
  assertSameAsConsent(consent.request.Data.Initiation, request.Data.Initiation, 'Data.Initiation');
  assertSameAsConsent(consent.request.Risk, request.Risk, 'Risk');
  const params = readVrpControlParameters(consent.request.Data.ControlParameters);
  assertAllowedByConsent(params, request);
  const initiation = consent.request.Data.Initiation;
  for (const member of FIXED_BY_CONSENT) {
    if (initiation[member] !== undefined) assertSameAsConsent(initiation[member], request.Data.Instruction[member], `Data.Instruction.${member}`);
  }
  const instruction = parseInitiation(request.Data.Instruction, 'Data.Instruction');
  const payee = await resolvePayee(services.accounts, instruction.creditor, instruction.currency);
  if (request.Data.VRPType === VrpType.Sweeping) assertOwnAccount(consent.customerId, payee);
  const execution = vrpExecution(services, consent, params, request, instruction, payee, claim, now);
  const outcome = await executeOnce(services, execution, claim, now);
  switch (outcome.kind) {
    case 'replayed':
      return { payment: outcome.payment, replayed: true };
    case 'created':
      return { payment: outcome.payment, replayed: false };
    case 'duplicate-instruction':
      throw new InstructionAlreadyMade(
        `A payment with InstructionIdentification ${execution.payment.instructionIdentification ?? ''} was already made under ConsentId ${consent.id}`,
        'Data.Instruction.InstructionIdentification',
      );
    case 'duplicate-key':
      throw new Error('idempotency key conflict persisted after its record aged out');
    case 'consent-not-authorised':
      return replayOrRefuse(services, consent, claim, now);
  }
}

/** The request's VRP type, authentication method and interaction type must be among those the consent allows. */
function assertAllowedByConsent(params: VrpControlParameters, request: VrpRequest): void {
  const { VRPType: type, PSUAuthenticationMethod: method } = request.Data;
  const interaction = request.Data.PSUInteractionType ?? DEFAULT_INTERACTION_TYPES[0];
  const allowed = (values: readonly string[], value: string | undefined, member: string, field: string) => {
    if (value === undefined || values.includes(value)) return;
    throw new ControlParametersBreached(`${field} ${value} is not one the consent allows (${values.join(', ')})`, `Data.ControlParameters.${member}`);
  };
  allowed(params.vrpTypes, type, 'VRPType', 'VRPType');
  allowed(params.psuAuthenticationMethods, method, 'PSUAuthenticationMethods', 'PSUAuthenticationMethod');
  allowed(params.psuInteractionTypes, interaction, 'PSUInteractionTypes', 'PSUInteractionType');
}

/** Sweeping is me-to-me: a payee at this bank must be an account of the customer who gave the consent. */
function assertOwnAccount(customerId: string, payee: PayeeResolution): void {
  if (payee.route !== 'internal' || payee.customerId === customerId) return;
  throw new ControlParametersBreached(
    "A sweeping payment must go to one of the customer's own accounts; this creditor account belongs to someone else",
    'Data.ControlParameters.VRPType',
  );
}

/**
 * What the store writes for this VRP: the payment as ordered (its instruction kept), its idempotency record, its
 * transfers if accepted, the mandate's windows to sum, and the decision over the facts read under the locks.
 */
function vrpExecution(
  services: VrpPaymentServices,
  consent: DomesticVrpConsent,
  params: VrpControlParameters,
  request: VrpRequest,
  instruction: PaymentInstruction,
  payee: PayeeResolution,
  claim: IdempotencyClaim,
  now: Date,
): PaymentExecution {
  const charges = chargesFor(services.fees, instruction.localInstrument, instruction.amountMinor, instruction.currency);
  const payment: OrderedPayment = {
    id: newId('pmt'),
    kind: 'domestic-vrp',
    consentId: consent.id,
    instructionIdentification: String(request.Data.Instruction.InstructionIdentification),
    instruction: request.Data.Instruction,
    clientId: consent.clientId,
    customerId: consent.customerId ?? '',
    debtorAccountId: consent.debtorAccountId ?? '',
    amountMinor: instruction.amountMinor,
    chargesMinor: totalCharges(charges),
    currency: instruction.currency,
    localInstrument: instruction.localInstrument,
    ...payeeRoute(payee),
    creditorIdentification: instruction.creditor.identification,
    dueAt: null,
    createdAt: now,
    statusUpdatedAt: now,
  };
  const transfers = payee.route === 'refused' ? [] : paymentTransfers(payment, instruction, now);
  const anchor = periodAnchor(params, consent.createdAt);
  const amount = { amountMinor: instruction.amountMinor, currency: instruction.currency };
  const order: PaymentOrder = {
    amountMinor: payment.amountMinor,
    chargesMinor: payment.chargesMinor,
    debitMinor: -netMovementMinor(transfers, payment.debtorAccountId),
    payee,
    limits: services.risk,
    mandate: (used) => assessVrpPayment(params, anchor, now, amount, used),
  };
  const settleAfter = new Date(now.getTime() + services.settlementDelayMs);
  return {
    payment,
    idempotency: idempotencyRecord(claim, payment.id, now),
    transfers,
    riskWindows: riskWindowsAt(services.risk, now),
    consentUse: { kind: 'mandate', windows: usageWindows(params, anchor, now) },
    decide: (facts) => decidedPayment(payment, decidePayment(order, facts), settleAfter, now),
  };
}

/** A consent no longer `AUTH` may have answered this very request a moment ago: replay it; otherwise refuse (U009). */
async function replayOrRefuse(services: VrpPaymentServices, consent: DomesticVrpConsent, claim: IdempotencyClaim, now: Date): Promise<MadeVrp> {
  const replay = await findIdempotentReplay(services.idempotency, claim, now);
  if (replay) return { payment: await storedPayment(services.payments, replay), replayed: true };
  const status = consent.status === ConsentStatus.Authorised ? 'is no longer AUTH' : `has status ${consent.status}`;
  throw new InvalidConsentStatus(`ConsentId ${consent.id} ${status}; a payment needs an AUTH consent`);
}

/**
 * The partner's own VRP, with the mandate it was made under (as it stands, deleted or not: the payment outlives it).
 * @throws ResourceNotFound for an unknown id (or a payment that is not a VRP); ResourceForbidden for another partner's.
 */
export async function getDomesticVrp(
  stores: { readonly payments: PaymentStore; readonly vrpConsents: VrpConsentStore },
  clientId: string,
  paymentId: string,
): Promise<{ payment: DomesticPayment; consent: DomesticVrpConsent }> {
  const payment = await stores.payments.findById(paymentId);
  if (!payment || payment.kind !== 'domestic-vrp') throw new ResourceNotFound(`DomesticVRPId ${paymentId} does not exist`);
  if (payment.clientId !== clientId) throw new ResourceForbidden(`DomesticVRPId ${paymentId} belongs to another partner`);
  const consent = await stores.vrpConsents.findById(payment.consentId);
  if (!consent) throw new Error(`consent ${payment.consentId} of VRP ${payment.id} is missing`);
  return { payment, consent };
}
