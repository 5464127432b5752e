import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

/** A fact the database keeps about the bank served from it, by name (`issuer`: the issuer `serve` runs under). */
export interface BankSettingRow {
  name: string;
  value: string;
  updatedAt: Date;
}

/** `bank_setting`: one row per setting, shared by every process and by the `openteller` command on this database. */
export function bankSettingEntity(types: ColumnTypes): EntitySchema<BankSettingRow> {
  return new EntitySchema<BankSettingRow>({
    name: 'BankSetting',
    tableName: 'bank_setting',
    columns: {
      name: types.id(64, { primary: true }),
      value: types.longText(),
      updatedAt: types.timestamp({ name: 'updated_at' }),
    },
  });
}
