import type { Charge } from '../../domain/payments/charges.js';
import type { DomesticPayment } from '../../domain/payments/domestic-payment.js';
import type { DomesticPaymentConsent } from '../../domain/payments/payment-consent.js';
import type { PaymentAccount } from '../../domain/payments/payment-instruction.js';
import type { StatusReason } from '../../domain/payments/risk-policy.js';
import type { StandingOrder } from '../../domain/payments/standing-orders/standing-orders.js';
import { presentAmount } from './amount.js';
import { zonedDateTime } from './consent-presenter.js';

/**
 * A domestic payment consent as `OBWriteDomesticConsentResponse5` (a scheduled one as
 * `OBWriteDomesticScheduledConsentResponse5`, with its `Permission`); the request's members are played back verbatim,
 * but for a date-time sent without a zone, which is written with one (see {@link withZonedDateTimes}).
 */
export function presentPaymentConsent(consent: DomesticPaymentConsent, self: string) {
  const { Permission, Initiation, ReadRefundAccount, Authorisation, SCASupportData } = consent.request.Data;
  return {
    Data: {
      ConsentId: consent.id,
      CreationDateTime: consent.createdAt.toISOString(),
      Status: consent.status,
      StatusUpdateDateTime: consent.statusUpdatedAt.toISOString(),
      ...statusReasons(consent.statusReason),
      ...(Permission !== undefined ? { Permission } : {}),
      ...(ReadRefundAccount !== undefined ? { ReadRefundAccount } : {}),
      ...charges(consent.charges),
      Initiation: withZonedDateTimes(Initiation),
      ...(Authorisation !== undefined ? { Authorisation: withZonedDateTimes(Authorisation) } : {}),
      ...(SCASupportData !== undefined ? { SCASupportData } : {}),
      ...debtorOf(consent.debtor),
    },
    Risk: consent.request.Risk,
    Links: { Self: self },
    Meta: {},
  };
}

/** The member that carries a payment's id in its resource, by kind. */
const PAYMENT_ID_MEMBERS: Readonly<Record<DomesticPayment['kind'], string>> = {
  domestic: 'DomesticPaymentId',
  'domestic-scheduled': 'DomesticScheduledPaymentId',
  'standing-order': 'DomesticStandingOrderId',
  international: 'InternationalPaymentId',
  'domestic-vrp': 'DomesticVRPId',
};

/**
 * A domestic payment as `OBWriteDomesticResponse5`, a scheduled one as `OBWriteDomesticScheduledResponse5` (no `Risk`,
 * NOTES §6.3), an international one's members (see international-payment-presenter.ts): a scheduled payment is expected to execute on its due date.
 */
export function presentPayment(payment: DomesticPayment, consent: DomesticPaymentConsent, self: string) {
  const refund = consent.request.Data.ReadRefundAccount === 'Yes' ? refundOf(consent.debtor) : {};
  const executed = payment.dueAt ?? payment.createdAt;
  const unpaid = payment.status === 'RJCT' || payment.status === 'CANC';
  return {
    Data: {
      [PAYMENT_ID_MEMBERS[payment.kind]]: payment.id,
      ConsentId: payment.consentId,
      CreationDateTime: payment.createdAt.toISOString(),
      Status: payment.status,
      StatusUpdateDateTime: payment.statusUpdatedAt.toISOString(),
      ...statusReasons(payment.statusReason),
      ...(unpaid
        ? {}
        : {
            ExpectedExecutionDateTime: executed.toISOString(),
            ExpectedSettlementDateTime: (payment.settleAfter ?? executed).toISOString(),
          }),
      ...refund,
      ...(unpaid ? {} : charges(consent.charges)),
      Initiation: withZonedDateTimes(consent.request.Data.Initiation),
      ...debtorOf(consent.debtor),
    },
    Links: { Self: self },
    Meta: {},
  };
}

/**
 * The payment's status on the scheme as `OBWritePaymentDetailsResponse1`. A scheduled payment cancelled before it ran
 * never reached the scheme: no status (`CANC` is not a payment-details status).
 */
export function presentPaymentDetails(payment: DomesticPayment, self: string) {
  return presentPaymentsDetails([payment], self);
}

/** The scheme status of each of several payments (a standing order's) as `OBWritePaymentDetailsResponse1`; cancelled ones had none. */
export function presentPaymentsDetails(payments: readonly DomesticPayment[], self: string) {
  return {
    Data: {
      PaymentStatus: payments
        .filter((payment) => payment.status !== 'CANC')
        .map((payment) => ({
          PaymentTransactionId: payment.id,
          Status: payment.status,
          StatusUpdateDateTime: payment.statusUpdatedAt.toISOString(),
          StatusDetail: {
            LocalInstrument: payment.localInstrument,
            Status: payment.status,
            ...(payment.statusReason
              ? { StatusReason: payment.statusReason.code, StatusReasonDescription: payment.statusReason.description.slice(0, 256) }
              : {}),
          },
        })),
    },
    Links: { Self: self },
    Meta: {},
  };
}

/** A standing order as `OBWriteDomesticStandingOrderResponse6` (no `Risk`): its consent's `Initiation` and charges (per payment, those of the first). */
export function presentStandingOrder(order: StandingOrder, self: string) {
  const { consent } = order;
  const refund = consent.request.Data.ReadRefundAccount === 'Yes' ? refundOf(consent.debtor) : {};
  return {
    Data: {
      DomesticStandingOrderId: order.id,
      ConsentId: consent.id,
      CreationDateTime: order.createdAt.toISOString(),
      Status: order.status,
      StatusUpdateDateTime: order.statusUpdatedAt.toISOString(),
      ...refund,
      ...charges(consent.charges),
      Initiation: withZonedDateTimes(consent.request.Data.Initiation),
      ...debtorOf(consent.debtor),
    },
    Links: { Self: self },
    Meta: {},
  };
}

/** A funds confirmation as `OBWriteFundsConfirmationResponse1`. */
export function presentFundsConfirmation(available: boolean, at: Date, self: string) {
  return { Data: { FundsAvailableResult: { FundsAvailableDateTime: at.toISOString(), FundsAvailable: available } }, Links: { Self: self }, Meta: {} };
}

function statusReasons(reason: StatusReason | null) {
  return reason ? { StatusReason: [{ StatusReasonCode: reason.code, StatusReasonDescription: reason.description }] } : {};
}

function charges(list: readonly Charge[]) {
  if (list.length === 0) return {};
  return {
    Charges: list.map((charge) => ({ ChargeBearer: charge.bearer, Type: charge.type, Amount: presentAmount(charge.amountMinor, charge.currency) })),
  };
}

function debtorOf(debtor: PaymentAccount | null) {
  if (!debtor) return {};
  return { Debtor: { SchemeName: debtor.schemeName, Identification: debtor.identification, ...(debtor.name ? { Name: debtor.name } : {}) } };
}

function refundOf(debtor: PaymentAccount | null) {
  if (!debtor?.name) return {};
  return { Refund: { Account: { SchemeName: debtor.schemeName, Identification: debtor.identification, Name: debtor.name } } };
}

/** A schema-valid request date-time without a zone designator. */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

/**
 * A request member played back in a response, with every `…DateTime` in it (`RequestedExecutionDateTime`,
 * `MandateRelatedInformation.FirstPaymentDateTime`, `Authorisation.CompletionDateTime` …) written with a zone: requests
 * may leave the zone out (read as UTC), responses must carry one (NOTES §1). Nothing is added or taken away, and the
 * partner's own `SupplementaryData` is played back as sent.
 */
function withZonedDateTimes<T>(member: T): T {
  if (Array.isArray(member)) return member.map((item: unknown) => withZonedDateTimes(item)) as T;
  if (member === null || typeof member !== 'object') return member;
  const played: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(member)) {
    if (name === 'SupplementaryData') played[name] = value;
    else if (name.endsWith('DateTime') && typeof value === 'string')
      played[name] = ZONELESS_DATE_TIME.test(value) && !Number.isNaN(Date.parse(`${value}Z`)) ? zonedDateTime(value) : value;
    else played[name] = withZonedDateTimes(value);
  }
  return played as T;
}
