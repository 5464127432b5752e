import { randomBytes } from 'node:crypto';

/** Prefixes of the ids we hand out; every id on the wire carries its kind (CONVENTIONS "How to name things"). */
export type IdPrefix = 'aac' | 'pmc' | 'pmt' | 'trf' | 'ent' | 'acc' | 'cus' | 'ptn' | 'key';

/** A new random id such as `aac_5Jq3…`: 128 bits of randomness, base64url, never sequential. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
