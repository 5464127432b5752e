import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The call log notes what the status alone does not say: why an app's live event stream was refused, or where an
 * opened one started. Existing calls have none.
 */
export class ApiCallReason1764900000000 implements MigrationInterface {
  name = 'ApiCallReason1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "api_call" ADD COLUMN "reason" varchar(300)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "api_call" DROP COLUMN "reason"`);
  }
}
