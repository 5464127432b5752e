import type { FundsConfirmationHistory, RecordedFundsConfirmation } from '../../src/domain/funds-confirmations/funds-confirmation-history.js';
import type { FundsConfirmation } from '../../src/domain/funds-confirmations/funds-confirmations.js';

/** The funds confirmation history in memory, for domain tests: what was recorded, oldest first. */
export class InMemoryFundsConfirmationHistory implements FundsConfirmationHistory {
  readonly recorded: RecordedFundsConfirmation[] = [];

  async record(confirmation: RecordedFundsConfirmation): Promise<void> {
    this.recorded.push(confirmation);
  }

  async listByConsent(consentId: string, limit: number): Promise<{ recent: FundsConfirmation[]; total: number }> {
    const mine = this.recorded.filter((confirmation) => confirmation.consentId === consentId).reverse();
    return { recent: mine.slice(0, limit), total: mine.length };
  }
}
