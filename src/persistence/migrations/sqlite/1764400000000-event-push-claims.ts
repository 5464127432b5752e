import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Event push claims: each claim of an event's push is named, so a process whose claim expired records nothing. */
export class EventPushClaims1764400000000 implements MigrationInterface {
  name = 'EventPushClaims1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "event_notification" ADD COLUMN "claimed_by" varchar(40)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "event_notification" DROP COLUMN "claimed_by"`);
  }
}
