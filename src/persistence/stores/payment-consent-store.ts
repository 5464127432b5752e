import type { DataSource } from 'typeorm';
import { In } from '../typeorm.js';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { Charge } from '../../domain/payments/charges.js';
import type { IdempotencyRecord } from '../../domain/payments/idempotency.js';
import type {
  DomesticPaymentConsent,
  PaymentAuthorisation,
  PaymentConsentKind,
  PaymentConsentRequest,
  PaymentConsentStore,
} from '../../domain/payments/payment-consent.js';
import type { StatusReason } from '../../domain/payments/risk-policy.js';
import type { AppStanding } from '../../domain/partners/partner-app.js';
import { formatExchangeRate, parseExchangeRate } from '../../domain/fx/exchange-rate.js';
import type { RateType } from '../../domain/payments/international/international-instruction.js';
import type { ConsentAccountRow, ConsentRow } from '../entities/consent.entity.js';
import { isStorableId, readSqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';
import { insertConsentWithKey, newConsentRow } from './consent-insert.js';
import { APP_STANDING_COLUMNS, APP_STANDING_JOIN, appStandingOf, type AppStandingRow } from './app-standing-sql.js';
import { endLiveConsentsOfClient } from './client-consents.js';

/** The `consent.kind` of domestic payment consents. */
export const PAYMENT_CONSENT_KIND = 'domestic-payment';

/** The `consent.kind` of domestic scheduled payment consents (the column holds 20 characters). */
export const SCHEDULED_PAYMENT_CONSENT_KIND = 'scheduled-payment';

/** The `consent.kind` of domestic standing order consents. */
export const STANDING_ORDER_CONSENT_KIND = 'standing-order';

/** The `consent.kind` of international payment consents (the column holds at most 20 characters). */
export const INTERNATIONAL_PAYMENT_CONSENT_KIND = 'intl-payment';

const STORED_KINDS: Readonly<Record<PaymentConsentKind, string>> = {
  'domestic-payment': PAYMENT_CONSENT_KIND,
  'domestic-scheduled-payment': SCHEDULED_PAYMENT_CONSENT_KIND,
  'domestic-standing-order': STANDING_ORDER_CONSENT_KIND,
  'international-payment': INTERNATIONAL_PAYMENT_CONSENT_KIND,
};

/** The `consent.kind` of every single-use payment consent, all kept by this store. */
export const PAYMENT_CONSENT_KINDS = Object.values(STORED_KINDS);

/** `(?, ?, …)` for {@link PAYMENT_CONSENT_KINDS} in a statement. */
export const PAYMENT_CONSENT_KIND_MARKS = `(${PAYMENT_CONSENT_KINDS.map(() => '?').join(', ')})`;

/**
 * How the customer's and the partner's lists of consents group a `consent.kind`: every single-payment consent is a
 * payment, a VRP consent a mandate, a funds confirmation consent a funds check, anything else account access.
 */
export function listedKindOf(kind: string): 'account-access' | 'domestic-payment' | 'domestic-vrp' | 'funds-confirmation' {
  if (PAYMENT_CONSENT_KINDS.includes(kind)) return 'domestic-payment';
  return kind === 'domestic-vrp' || kind === 'funds-confirmation' ? kind : 'account-access';
}

/**
 * What the `request` column holds for a payment consent: the partner's body verbatim, the charges and, for an
 * international consent, its rate (an exact decimal).
 */
interface StoredRequest {
  body: PaymentConsentRequest;
  charges: Array<{ type: string; bearer: 'BorneByDebtor'; amountMinor: string; currency: string }>;
  quote?: {
    rateType: RateType;
    unitCurrency: string;
    targetCurrency: string;
    rate: string;
    expiresAt: string | null;
    contractIdentification: string | null;
  };
}

/**
 * Single-payment consents in the shared `consent` table (`kind` = `domestic-payment`, `scheduled-payment`,
 * `standing-order` or `intl-payment`): the request is kept
 * verbatim in `request`, the authorisation deadline in `expires_at`, the account paid from in `consent_account`.
 */
export class TypeOrmPaymentConsentStore implements PaymentConsentStore {
  constructor(private readonly dataSource: DataSource) {}

  insert(consent: DomesticPaymentConsent, idempotency: IdempotencyRecord): Promise<boolean> {
    return insertConsentWithKey(this.dataSource, toRow(consent), idempotency);
  }

  async findById(id: string): Promise<DomesticPaymentConsent | null> {
    return isStorableId(id) ? ((await this.find('c.id = ?', id))?.consent ?? null) : null;
  }

  async findWithApp(id: string): Promise<{ consent: DomesticPaymentConsent; app: AppStanding | null } | null> {
    return isStorableId(id) ? this.find('c.id = ?', id) : null;
  }

  async findByGrantId(grantId: string): Promise<DomesticPaymentConsent | null> {
    return isStorableId(grantId) ? ((await this.find('c.grant_id = ?', grantId))?.consent ?? null) : null;
  }

  /**
   * The consent with the account it is paid from, that account's main identification and the standing of the
   * consent's app, in one statement (read on every payment call).
   */
  private async find(condition: string, value: string): Promise<{ consent: DomesticPaymentConsent; app: AppStanding | null } | null> {
    const rows: Array<RawPaymentConsent & AppStandingRow> = await this.dataSource.query(
      `SELECT c.id, c.kind, c.client_id, c.status, c.status_reason_code, c.status_reason_description, c.expires_at, c.customer_id, c.grant_id,
              c.authorised_at, c.created_at, c.status_updated_at, c.request, ca.account_id,
              di.scheme_name AS debtor_scheme_name, di.identification AS debtor_identification, di.name AS debtor_name,
              ${APP_STANDING_COLUMNS}
       FROM consent c
       LEFT JOIN consent_account ca ON ca.consent_id = c.id
       LEFT JOIN account_identification di ON di.account_id = ca.account_id AND di.scheme_name <> 'UK.OBIE.PAN'
       ${APP_STANDING_JOIN('c.client_id')}
       WHERE ${condition} AND c.kind IN ${PAYMENT_CONSENT_KIND_MARKS}
       ORDER BY di.scheme_name LIMIT 1`,
      [value, ...PAYMENT_CONSENT_KINDS],
    );
    const row = rows[0];
    return row ? { consent: fromRaw(row), app: appStandingOf(row) } : null;
  }

  async authorise(consentId: string, authorisation: PaymentAuthorisation, at: Date): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const result = await manager
        .getRepository<ConsentRow>('Consent')
        .update(
          { id: consentId, kind: In(PAYMENT_CONSENT_KINDS), status: 'AWAU' },
          { status: 'AUTH', customerId: authorisation.customerId, grantId: authorisation.grantId, authorisedAt: at, statusUpdatedAt: at },
        );
      if (!result.affected) return false;
      await manager.getRepository<ConsentAccountRow>('ConsentAccount').insert({ consentId, accountId: authorisation.debtorAccountId });
      return true;
    });
  }

  async rejectAllOfClient(clientId: string, at: Date, reason: StatusReason): Promise<string[]> {
    const grantIds: string[] = [];
    for (const kind of PAYMENT_CONSENT_KINDS) grantIds.push(...(await endLiveConsentsOfClient(this.dataSource, kind, clientId, 'RJCT', at, reason)));
    return grantIds;
  }

  async transition(consentId: string, from: readonly ConsentStatus[], to: ConsentStatus, at: Date, reason?: StatusReason): Promise<boolean> {
    const result = await this.dataSource
      .getRepository<ConsentRow>('Consent')
      .update(
        { id: consentId, kind: In(PAYMENT_CONSENT_KINDS), status: In([...from]) },
        { status: to, statusUpdatedAt: at, statusReasonCode: reason?.code ?? null, statusReasonDescription: reason?.description ?? null },
      );
    return Boolean(result.affected);
  }
}

function toRow(consent: DomesticPaymentConsent): ConsentRow {
  const quote = consent.international?.quote;
  const request: StoredRequest = {
    body: consent.request,
    charges: consent.charges.map((charge) => ({ ...charge, amountMinor: charge.amountMinor.toString() })),
    ...(quote
      ? {
          quote: {
            rateType: quote.rateType,
            unitCurrency: quote.rate.unitCurrency,
            targetCurrency: quote.rate.targetCurrency,
            rate: formatExchangeRate(quote.rate),
            expiresAt: quote.expiresAt?.toISOString() ?? null,
            contractIdentification: quote.contractIdentification,
          },
        }
      : {}),
  };
  return newConsentRow(STORED_KINDS[consent.kind], consent, { request, expiresAt: consent.authoriseBy });
}

/** A payment consent row as raw SQL returns it (snake_case, JSON as text, SQLite times as text). */
interface RawPaymentConsent {
  id: string;
  kind: string;
  client_id: string;
  status: string;
  status_reason_code: string | null;
  status_reason_description: string | null;
  expires_at: Date | string | null;
  customer_id: string | null;
  grant_id: string | null;
  authorised_at: Date | string | null;
  created_at: Date | string;
  status_updated_at: Date | string;
  request: string;
  account_id: string | null;
  debtor_scheme_name: string | null;
  debtor_identification: string | null;
  debtor_name: string | null;
}

function fromRaw(row: RawPaymentConsent): DomesticPaymentConsent {
  const request = JSON.parse(row.request) as StoredRequest;
  const createdAt = readSqlTime(row.created_at);
  const consent: DomesticPaymentConsent = {
    id: row.id,
    kind: (Object.keys(STORED_KINDS) as PaymentConsentKind[]).find((kind) => STORED_KINDS[kind] === row.kind) ?? 'domestic-payment',
    clientId: row.client_id,
    status: row.status as ConsentStatus,
    statusReason: row.status_reason_code ? { code: row.status_reason_code, description: row.status_reason_description ?? '' } : null,
    request: request.body,
    charges: request.charges.map((charge): Charge => ({ ...charge, amountMinor: BigInt(charge.amountMinor) })),
    authoriseBy: row.expires_at === null ? createdAt : readSqlTime(row.expires_at),
    customerId: row.customer_id,
    debtorAccountId: row.account_id,
    debtor:
      row.debtor_scheme_name && row.debtor_identification
        ? { schemeName: row.debtor_scheme_name, identification: row.debtor_identification, name: row.debtor_name }
        : null,
    grantId: row.grant_id,
    authorisedAt: row.authorised_at === null ? null : readSqlTime(row.authorised_at),
    createdAt,
    statusUpdatedAt: readSqlTime(row.status_updated_at),
  };
  const { quote } = request;
  if (!quote) return consent;
  return {
    ...consent,
    international: {
      quote: {
        rateType: quote.rateType,
        rate: parseExchangeRate(quote.rate, quote.unitCurrency, quote.targetCurrency),
        expiresAt: quote.expiresAt === null ? null : new Date(quote.expiresAt),
        contractIdentification: quote.contractIdentification,
      },
    },
  };
}
