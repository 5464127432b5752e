import { In, type DataSource, type FindOptionsWhere } from 'typeorm';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { Charge } from '../../domain/payments/charges.js';
import type { IdempotencyRecord } from '../../domain/payments/idempotency.js';
import type { DomesticPaymentConsent, PaymentAuthorisation, PaymentConsentRequest, PaymentConsentStore } from '../../domain/payments/payment-consent.js';
import type { StatusReason } from '../../domain/payments/risk-policy.js';
import type { ConsentAccountRow, ConsentRow } from '../entities/consent.entity.js';
import type { IdempotencyKeyRow } from '../entities/payment.entity.js';
import { isDuplicateKeyError, isStorableId } from '../sql.js';
import { inTransaction } from '../transactions.js';

/** The `consent.kind` of domestic payment consents. */
export const PAYMENT_CONSENT_KIND = 'domestic-payment';

/** What the `request` column holds for a payment consent: the partner's body verbatim and the charges. */
interface StoredRequest {
  body: PaymentConsentRequest;
  charges: Array<{ type: string; bearer: 'BorneByDebtor'; amountMinor: string; currency: string }>;
}

/**
 * Domestic payment consents in the shared `consent` table (`kind` = `domestic-payment`): the request is kept
 * verbatim in `request`, the authorisation deadline in `expires_at`, the account paid from in `consent_account`.
 */
export class TypeOrmPaymentConsentStore implements PaymentConsentStore {
  constructor(private readonly dataSource: DataSource) {}

  async insert(consent: DomesticPaymentConsent, idempotency: IdempotencyRecord): Promise<boolean> {
    try {
      await inTransaction(this.dataSource, async (manager) => {
        await manager.getRepository<IdempotencyKeyRow>('IdempotencyKey').insert({ ...idempotency });
        await manager.getRepository<ConsentRow>('Consent').insert(toRow(consent));
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<DomesticPaymentConsent | null> {
    if (!isStorableId(id)) return null;
    return this.find({ id, kind: PAYMENT_CONSENT_KIND });
  }

  async findByGrantId(grantId: string): Promise<DomesticPaymentConsent | null> {
    if (!isStorableId(grantId)) return null;
    return this.find({ grantId, kind: PAYMENT_CONSENT_KIND });
  }

  private async find(where: FindOptionsWhere<ConsentRow>): Promise<DomesticPaymentConsent | null> {
    const row = await this.dataSource.getRepository<ConsentRow>('Consent').findOneBy(where);
    if (!row) return null;
    const account = await this.dataSource.getRepository<ConsentAccountRow>('ConsentAccount').findOneBy({ consentId: row.id });
    return toConsent(row, account?.accountId ?? null);
  }

  async authorise(consentId: string, authorisation: PaymentAuthorisation, at: Date): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      const result = await manager.getRepository<ConsentRow>('Consent').update(
        { id: consentId, kind: PAYMENT_CONSENT_KIND, status: 'AWAU' },
        { status: 'AUTH', customerId: authorisation.customerId, grantId: authorisation.grantId, authorisedAt: at, statusUpdatedAt: at },
      );
      if (!result.affected) return false;
      await manager.getRepository<ConsentAccountRow>('ConsentAccount').insert({ consentId, accountId: authorisation.debtorAccountId });
      return true;
    });
  }

  async transition(consentId: string, from: readonly ConsentStatus[], to: ConsentStatus, at: Date, reason?: StatusReason): Promise<boolean> {
    const result = await this.dataSource.getRepository<ConsentRow>('Consent').update(
      { id: consentId, kind: PAYMENT_CONSENT_KIND, status: In([...from]) },
      { status: to, statusUpdatedAt: at, statusReasonCode: reason?.code ?? null, statusReasonDescription: reason?.description ?? null },
    );
    return Boolean(result.affected);
  }
}

function toRow(consent: DomesticPaymentConsent): ConsentRow {
  const request: StoredRequest = {
    body: consent.request,
    charges: consent.charges.map((charge) => ({ ...charge, amountMinor: charge.amountMinor.toString() })),
  };
  return {
    id: consent.id,
    kind: PAYMENT_CONSENT_KIND,
    clientId: consent.clientId,
    status: consent.status,
    statusReasonCode: consent.statusReason?.code ?? null,
    statusReasonDescription: consent.statusReason?.description ?? null,
    permissions: [],
    expiresAt: consent.authoriseBy,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: consent.customerId,
    grantId: consent.grantId,
    authorisedAt: consent.authorisedAt,
    createdAt: consent.createdAt,
    statusUpdatedAt: consent.statusUpdatedAt,
    request,
  };
}

function toConsent(row: ConsentRow, debtorAccountId: string | null): DomesticPaymentConsent {
  const request = row.request as StoredRequest;
  return {
    id: row.id,
    clientId: row.clientId,
    status: row.status as ConsentStatus,
    statusReason: row.statusReasonCode ? { code: row.statusReasonCode, description: row.statusReasonDescription ?? '' } : null,
    request: request.body,
    charges: request.charges.map((charge): Charge => ({ ...charge, amountMinor: BigInt(charge.amountMinor) })),
    authoriseBy: row.expiresAt ?? row.createdAt,
    customerId: row.customerId,
    debtorAccountId,
    grantId: row.grantId,
    authorisedAt: row.authorisedAt,
    createdAt: row.createdAt,
    statusUpdatedAt: row.statusUpdatedAt,
  };
}
