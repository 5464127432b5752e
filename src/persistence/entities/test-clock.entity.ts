import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

export interface TestClockRow {
  id: string;
  clientId: string;
  name: string | null;
  frozenTime: Date;
  /** Set while an advance runs (a claim that expires, so that a process dying mid-advance frees the clock). */
  advancingUntil: Date | null;
  createdAt: Date;
}

/**
 * `test_clock`: the sandbox's test clocks, each of one app (listed by app, oldest first). Its consents and their payments
 * name it in `test_clock_id`.
 */
export function testClockEntity(types: ColumnTypes): EntitySchema<TestClockRow> {
  return new EntitySchema<TestClockRow>({
    name: 'TestClock',
    tableName: 'test_clock',
    columns: {
      id: types.id(40, { primary: true }),
      clientId: types.id(255, { name: 'client_id' }),
      name: types.text(100, { nullable: true }),
      frozenTime: types.timestamp({ name: 'frozen_time' }),
      advancingUntil: types.timestamp({ name: 'advancing_until', nullable: true }),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [{ name: 'ix_test_clock_client', columns: ['clientId', 'createdAt'] }],
  });
}
