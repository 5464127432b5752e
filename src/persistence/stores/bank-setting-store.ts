import type { DataSource } from 'typeorm';
import type { BankSettingRow } from '../entities/bank-setting.entity.js';

const ISSUER = 'issuer';

/** What a database records about the bank served from it, so that every process and the `openteller` command agree. */
export class BankSettingStore {
  constructor(private readonly dataSource: DataSource) {}

  private get settings() {
    return this.dataSource.getRepository<BankSettingRow>('BankSetting');
  }

  /**
   * The issuer `openteller serve` last started under on this database.
   * @returns null when none is recorded yet, including on a database not yet migrated to record it.
   */
  async servedIssuer(): Promise<string | null> {
    const runner = this.dataSource.createQueryRunner();
    try {
      if (!(await runner.hasTable('bank_setting'))) return null;
    } finally {
      await runner.release();
    }
    return (await this.settings.findOneBy({ name: ISSUER }))?.value ?? null;
  }

  /**
   * Records the issuer `serve` now runs under.
   * @returns the issuer recorded before, or null.
   */
  async recordServedIssuer(issuer: string, now: Date): Promise<string | null> {
    const previous = (await this.settings.findOneBy({ name: ISSUER }))?.value ?? null;
    if (previous !== issuer) await this.settings.upsert({ name: ISSUER, value: issuer, updatedAt: now }, { conflictPaths: ['name'] });
    return previous;
  }
}
