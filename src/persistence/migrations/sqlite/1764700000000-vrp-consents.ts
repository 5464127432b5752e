import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Domestic VRP consents live in `consent` (`kind` = `domestic-vrp`): their `ValidToDateTime` in `expires_at` (so the
 * expiry worker finds them by `ix_consent_expiry`), their `ValidFromDateTime` in the new `valid_from_at`, the account
 * paid from in `consent_account`; `deleted_at` records that the partner deleted one.
 */
export class VrpConsents1764700000000 implements MigrationInterface {
  name = 'VrpConsents1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "consent" ADD COLUMN "valid_from_at" datetime`);
    await runner.query(`ALTER TABLE "consent" ADD COLUMN "deleted_at" datetime`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "consent" DROP COLUMN "deleted_at"`);
    await runner.query(`ALTER TABLE "consent" DROP COLUMN "valid_from_at"`);
  }
}
