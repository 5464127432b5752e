import { randomBytes, randomInt } from 'node:crypto';

/** Prefixes of the ids we hand out; every id on the wire carries its kind (CONVENTIONS "How to name things"). */
export type IdPrefix =
  | 'aac'
  | 'pmc'
  | 'psc'
  | 'soc'
  | 'sto'
  | 'vrc'
  | 'vfc'
  | 'fcc'
  | 'fcf'
  | 'pmt'
  | 'trf'
  | 'ent'
  | 'acc'
  | 'cus'
  | 'ptn'
  | 'key'
  | 'usr'
  | 'msg'
  | 'cal'
  | 'evs'
  | 'evt'
  | 'tck';

/** A new random id such as `aac_5Jq3…`: 128 bits of randomness, base64url, never sequential. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A random id of Base62 characters only, for identifiers whose format others fix (an Open Banking `software_id`
 * is `^[0-9a-zA-Z]{1,22}$`); 22 characters carry 131 bits.
 */
export function newBase62Id(length: number): string {
  let id = '';
  for (let index = 0; index < length; index += 1) id += BASE62[randomInt(62)];
  return id;
}
