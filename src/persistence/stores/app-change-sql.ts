import type { DataSource, EntityManager } from 'typeorm';
import type { AppChangeMarks } from '../../domain/partners/app-change-marks.js';
import { readRows } from '../direct-read.js';

/** Moves the database's app change mark, inside the transaction that changes apps (see migration AppChangeMark). */
export async function bumpAppChangeMark(manager: EntityManager): Promise<void> {
  await manager.query('UPDATE app_change SET mark = mark + 1 WHERE id = 1');
}

/** The database's app change mark: one primary-key read of a one-row table, cheaper than reading any client. */
export class SqlAppChangeMarks implements AppChangeMarks {
  constructor(private readonly dataSource: DataSource) {}

  async current(): Promise<string> {
    const rows = await readRows<{ mark: number | string }>(this.dataSource, 'SELECT mark FROM app_change WHERE id = 1', []);
    const row = rows[0];
    if (!row) throw new Error('app_change has no row: the database is not migrated');
    return `db:${String(row.mark)}`;
  }
}
