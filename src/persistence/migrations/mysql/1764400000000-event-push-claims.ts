import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Event push claims: each claim of an event's push is named, so a process whose claim expired records nothing. */
export class EventPushClaims1764400000000 implements MigrationInterface {
  name = 'EventPushClaims1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE \`event_notification\` ADD \`claimed_by\` varchar(40) CHARACTER SET "ascii" COLLATE "ascii_bin" NULL`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE \`event_notification\` DROP COLUMN \`claimed_by\``);
  }
}
