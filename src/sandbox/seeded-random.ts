import { InvalidField } from '../domain/errors.js';

/** mulberry32: a tiny seeded PRNG, so the seed is identical on every machine. Its floats pick things; money stays bigint. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(percent: number): boolean {
    return this.int(0, 99) < percent;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new InvalidField('Cannot pick from an empty list');
    return item;
  }

  /** An amount in minor units in [min, max]. */
  amount(minMinor: bigint, maxMinor: bigint): bigint {
    const span = maxMinor - minMinor;
    return span === 0n ? minMinor : minMinor + (BigInt(this.int(0, 0x7fffffff)) * (span + 1n)) / 0x80000000n;
  }
}
