import type { DataSource } from 'typeorm';
import type { FundsConfirmationHistory, RecordedFundsConfirmation } from '../../domain/funds-confirmations/funds-confirmation-history.js';
import type { FundsConfirmation } from '../../domain/funds-confirmations/funds-confirmations.js';
import type { FundsConfirmationRow } from '../entities/funds-confirmation.entity.js';
import { isStorableId } from '../sql.js';

/** The funds confirmations card issuers asked, in `funds_confirmation`, read by consent over its index. */
export class TypeOrmFundsConfirmationHistory implements FundsConfirmationHistory {
  constructor(private readonly dataSource: DataSource) {}

  private get rows() {
    return this.dataSource.getRepository<FundsConfirmationRow>('FundsConfirmation');
  }

  async record(confirmation: RecordedFundsConfirmation): Promise<void> {
    await this.rows.insert({
      id: confirmation.id,
      consentId: confirmation.consentId,
      clientId: confirmation.clientId,
      customerId: confirmation.customerId,
      reference: confirmation.reference,
      amountMinor: confirmation.amountMinor,
      currency: confirmation.currency,
      fundsAvailable: confirmation.available ? 1 : 0,
      createdAt: confirmation.createdAt,
    });
  }

  async listByConsent(consentId: string, limit: number): Promise<{ recent: FundsConfirmation[]; total: number }> {
    if (!isStorableId(consentId)) return { recent: [], total: 0 };
    const [rows, total] = await this.rows.findAndCount({
      where: { consentId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: Math.max(1, Math.floor(limit)),
    });
    return {
      recent: rows.map((row) => ({
        id: row.id,
        consentId: row.consentId,
        createdAt: row.createdAt,
        reference: row.reference,
        amountMinor: row.amountMinor,
        currency: row.currency,
        available: row.fundsAvailable === 1,
      })),
      total,
    };
  }
}
