import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events are numbered after their commit (`EventSequencer`), so an event is written without a number: `sequence`
 * becomes nullable, the primary key becomes (client_id, jti), a unique index on (client_id, sequence) keeps each app's
 * numbers unique and ordered for the stream, and an index on `sequence` finds the events still unnumbered.
 */
export class EventSequencer1765520000000 implements MigrationInterface {
  name = 'EventSequencer1765520000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE \`event_notification\` DROP PRIMARY KEY, ADD PRIMARY KEY (\`client_id\`, \`jti\`), MODIFY \`sequence\` bigint NULL`,
    );
    await runner.query(`ALTER TABLE \`event_notification\` RENAME INDEX \`IDX_051b955a5c3ff7fed11b1c528f\` TO \`ux_event_notification_jti\``);
    await runner.query(`CREATE UNIQUE INDEX \`ux_event_notification_sequence\` ON \`event_notification\` (\`client_id\`, \`sequence\`)`);
    await runner.query(`CREATE INDEX \`ix_event_notification_unsequenced\` ON \`event_notification\` (\`sequence\`)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX \`ix_event_notification_unsequenced\` ON \`event_notification\``);
    await runner.query(`DROP INDEX \`ux_event_notification_sequence\` ON \`event_notification\``);
    await runner.query(`ALTER TABLE \`event_notification\` RENAME INDEX \`ux_event_notification_jti\` TO \`IDX_051b955a5c3ff7fed11b1c528f\``);
    await runner.query(
      `ALTER TABLE \`event_notification\` MODIFY \`sequence\` bigint NOT NULL, DROP PRIMARY KEY, ADD PRIMARY KEY (\`client_id\`, \`sequence\`)`,
    );
  }
}
