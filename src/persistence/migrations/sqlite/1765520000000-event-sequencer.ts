import type { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = `"client_id", "sequence", "jti", "event_types", "resource_type", "resource_id", "token", "created_at", "push_state", "push_attempts", "next_push_at", "claimed_until", "acknowledged_at", "poll_error", "claimed_by"`;

/**
 * Events are numbered after their commit (`EventSequencer`), so an event is written without a number: `sequence`
 * becomes nullable, the primary key becomes (client_id, jti), a unique index on (client_id, sequence) keeps each app's
 * numbers unique and ordered for the stream, and an index on `sequence` finds the events still unnumbered. SQLite
 * cannot change a primary key: the table is rebuilt.
 */
export class EventSequencer1765520000000 implements MigrationInterface {
  name = 'EventSequencer1765520000000';

  async up(runner: QueryRunner): Promise<void> {
    await rebuild(runner, `"sequence" bigint`, `PRIMARY KEY ("client_id", "jti")`);
    await runner.query(`CREATE UNIQUE INDEX "ux_event_notification_jti" ON "event_notification" ("jti")`);
    await runner.query(`CREATE UNIQUE INDEX "ux_event_notification_sequence" ON "event_notification" ("client_id", "sequence")`);
    await runner.query(`CREATE INDEX "ix_event_notification_unsequenced" ON "event_notification" ("sequence")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await rebuild(
      runner,
      `"sequence" bigint NOT NULL`,
      `CONSTRAINT "UQ_051b955a5c3ff7fed11b1c528fa" UNIQUE ("jti"), PRIMARY KEY ("client_id", "sequence")`,
    );
  }
}

/** Recreates event_notification with this `sequence` column and these keys, its rows and its two other indexes. */
async function rebuild(runner: QueryRunner, sequence: string, keys: string): Promise<void> {
  await runner.query(
    `CREATE TABLE "event_notification_rebuilt" ("client_id" varchar(255) NOT NULL, ${sequence}, "jti" varchar(40) NOT NULL, "event_types" varchar(255) NOT NULL, "resource_type" varchar(40) NOT NULL, "resource_id" varchar(64) NOT NULL, "token" text NOT NULL, "created_at" datetime NOT NULL, "push_state" varchar(10) NOT NULL, "push_attempts" integer NOT NULL, "next_push_at" datetime, "claimed_until" datetime, "acknowledged_at" datetime, "poll_error" varchar(300), "claimed_by" varchar(40), ${keys})`,
  );
  await runner.query(`INSERT INTO "event_notification_rebuilt" (${COLUMNS}) SELECT ${COLUMNS} FROM "event_notification"`);
  await runner.query(`DROP TABLE "event_notification"`);
  await runner.query(`ALTER TABLE "event_notification_rebuilt" RENAME TO "event_notification"`);
  await runner.query(
    `CREATE INDEX "ix_event_notification_push_by_app" ON "event_notification" ("push_state", "client_id", "next_push_at", "sequence")`,
  );
  await runner.query(`CREATE INDEX "ix_event_notification_unacknowledged" ON "event_notification" ("client_id", "acknowledged_at", "sequence")`);
}
