import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Consents whose expiry has passed are found by an index, so the expiry worker never scans the consent table. */
export class ConsentExpiryIndex1764600000000 implements MigrationInterface {
  name = 'ConsentExpiryIndex1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX "ix_consent_expiry" ON "consent" ("status", "expires_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "ix_consent_expiry"`);
  }
}
