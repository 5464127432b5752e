import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Due pushes are claimed app by app (each app's oldest first, round-robin): the apps with due events and each app's
 * oldest ones are read from an index on (push_state, client_id, next_push_at, sequence), however many events are due.
 * It replaces the index on (push_state, next_push_at), which nothing reads any more.
 */
export class EventPushByAppIndex1765000000000 implements MigrationInterface {
  name = 'EventPushByAppIndex1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX "ix_event_notification_push_by_app" ON "event_notification" ("push_state", "client_id", "next_push_at", "sequence")`,
    );
    await runner.query(`DROP INDEX "ix_event_notification_push"`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX "ix_event_notification_push" ON "event_notification" ("push_state", "next_push_at")`);
    await runner.query(`DROP INDEX "ix_event_notification_push_by_app"`);
  }
}
