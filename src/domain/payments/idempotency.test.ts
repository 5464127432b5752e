// Proves the idempotency rules of NOTES §9 against an in-memory store: a body hashes the same whatever its key order or spacing (canonicalJson), the same key and request within 24 hours replays the resource it made, the same key with another request is refused (U006 on x-idempotency-key) without touching anything, keys are scoped to partner and operation, and after 24 hours the key is forgotten and may be used again.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  canonicalJson,
  findIdempotentReplay,
  IDEMPOTENCY_WINDOW_MS,
  IdempotencyKeyReused,
  idempotencyClaim,
  idempotencyRecord,
  replayOf,
  type IdempotencyRecord,
  type IdempotencyStore,
  type IdempotentOperation,
} from './idempotency.js';

/** An IdempotencyStore in memory with the semantics of the TypeORM one; `insert` stands in for the resource stores. */
class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();
  /** Every record forgotten, in order (for assertions). */
  readonly forgotten: IdempotencyRecord[] = [];

  async find(clientId: string, operation: IdempotentOperation, keyHash: string): Promise<IdempotencyRecord | null> {
    await tick();
    return this.records.get(slot(clientId, operation, keyHash)) ?? null;
  }

  async forgetIfOlderThan(record: IdempotencyRecord, cutoff: Date): Promise<void> {
    await tick();
    const key = slot(record.clientId, record.operation, record.keyHash);
    const stored = this.records.get(key);
    if (stored && stored.createdAt.getTime() < cutoff.getTime()) {
      this.records.delete(key);
      this.forgotten.push(stored);
    }
  }

  /** Stores a record as a resource store does; false when the slot is taken (a duplicate key). */
  insert(record: IdempotencyRecord): boolean {
    const key = slot(record.clientId, record.operation, record.keyHash);
    if (this.records.has(key)) return false;
    this.records.set(key, { ...record, createdAt: new Date(record.createdAt) });
    return true;
  }

  get size(): number {
    return this.records.size;
  }
}

function slot(clientId: string, operation: string, keyHash: string): string {
  return JSON.stringify([clientId, operation, keyHash]);
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const NOW = new Date('2030-06-01T12:00:00.000Z');
const CLIENT = 'cli_pay_app';
const BODY = {
  Data: { ConsentId: 'pmc_1', Initiation: { InstructedAmount: { Amount: '10.00', Currency: 'GBP' }, EndToEndIdentification: 'E2E' } },
  Risk: { PaymentContextCode: 'EcommerceGoods' },
};

describe('canonicalJson', () => {
  test('object keys sorted at every level, arrays kept in order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  test('two bodies differing only in key order and spacing → the same text', () => {
    const reordered = JSON.parse(
      '{ "Risk" : {"PaymentContextCode":"EcommerceGoods"}, "Data": {"Initiation": {"EndToEndIdentification":"E2E", "InstructedAmount": {"Currency":"GBP","Amount":"10.00"}}, "ConsentId":"pmc_1"} }',
    );
    assert.equal(canonicalJson(reordered), canonicalJson(BODY));
  });

  test('members whose value is undefined → left out, as JSON.stringify does', () => {
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  });

  test('scalars, null and strings needing escapes → JSON text', () => {
    assert.equal(canonicalJson(null), 'null');
    assert.equal(canonicalJson([true, 1.5, 'a"b\n']), '[true,1.5,"a\\"b\\n"]');
    assert.equal(canonicalJson({ 'k"y': 'é' }), '{"k\\"y":"é"}');
  });

  test('"10.0" and "10.00", 10 and "10", array order → different texts', () => {
    assert.notEqual(canonicalJson({ Amount: '10.0' }), canonicalJson({ Amount: '10.00' }));
    assert.notEqual(canonicalJson({ Amount: 10 }), canonicalJson({ Amount: '10' }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  test('keys are sorted by code unit, so upper case before lower case', () => {
    assert.equal(canonicalJson({ b: 1, B: 2, a: 3 }), '{"B":2,"a":3,"b":1}');
  });

  test('a body nested 100,000 levels (any depth JSON.parse accepts) → its text, without exhausting the call stack', () => {
    const text = `{"a":${'[{"b":'.repeat(100_000)}1${'}]'.repeat(100_000)}}`;
    assert.equal(canonicalJson(JSON.parse(text)), text);
  });

  test('an array of 500,000 items → its text', () => {
    const text = `[${Array.from({ length: 500_000 }, (_, index) => index).join(',')}]`;
    assert.equal(canonicalJson(JSON.parse(text)), text);
  });
});

describe('idempotencyClaim', () => {
  test('the key is stored as its SHA-256 hex, the body as the SHA-256 of its canonical JSON', () => {
    const claim = idempotencyClaim(CLIENT, 'domestic-payment', 'key-1', BODY);
    assert.deepEqual(claim, {
      clientId: CLIENT,
      operation: 'domestic-payment',
      keyHash: createHash('sha256').update('key-1').digest('hex'),
      requestHash: createHash('sha256').update(canonicalJson(BODY)).digest('hex'),
    });
  });

  test('the same body reordered → the same request hash; another amount → another', () => {
    const reordered = { Risk: BODY.Risk, Data: { Initiation: BODY.Data.Initiation, ConsentId: 'pmc_1' } };
    assert.equal(
      idempotencyClaim(CLIENT, 'domestic-payment', 'k', reordered).requestHash,
      idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY).requestHash,
    );
    const other = { ...BODY, Data: { ...BODY.Data, Initiation: { ...BODY.Data.Initiation, InstructedAmount: { Amount: '10.0', Currency: 'GBP' } } } };
    assert.notEqual(
      idempotencyClaim(CLIENT, 'domestic-payment', 'k', other).requestHash,
      idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY).requestHash,
    );
  });

  test('keys differing only in case or in a non-ASCII character → different key hashes', () => {
    const hash = (key: string) => idempotencyClaim(CLIENT, 'domestic-payment', key, BODY).keyHash;
    assert.notEqual(hash('Key'), hash('key'));
    assert.notEqual(hash('café'), hash('cafe'));
  });
});

describe('findIdempotentReplay', () => {
  test('a key never seen → null', async () => {
    const store = new InMemoryIdempotencyStore();
    assert.equal(await findIdempotentReplay(store, idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY), NOW), null);
  });

  test('the same key with the same request (reordered) → the resource it created', async () => {
    const store = new InMemoryIdempotencyStore();
    const claim = idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY);
    store.insert(idempotencyRecord(claim, 'pmt_first', NOW));
    const again = idempotencyClaim(CLIENT, 'domestic-payment', 'k', JSON.parse(JSON.stringify({ Risk: BODY.Risk, Data: BODY.Data })));
    assert.equal(await findIdempotentReplay(store, again, new Date(NOW.getTime() + 1000)), 'pmt_first');
  });

  test('the same key with another request → IdempotencyKeyReused on x-idempotency-key; the record is untouched', async () => {
    const store = new InMemoryIdempotencyStore();
    const claim = idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY);
    store.insert(idempotencyRecord(claim, 'pmt_first', NOW));
    const other = idempotencyClaim(CLIENT, 'domestic-payment', 'k', { ...BODY, Risk: {} });
    await assert.rejects(
      findIdempotentReplay(store, other, NOW),
      (error: unknown) => error instanceof IdempotencyKeyReused && error.path === 'x-idempotency-key',
    );
    assert.equal(await findIdempotentReplay(store, claim, NOW), 'pmt_first');
    assert.equal(store.forgotten.length, 0);
  });

  test('the same key of another partner or for another operation → a separate key (null)', async () => {
    const store = new InMemoryIdempotencyStore();
    store.insert(idempotencyRecord(idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY), 'pmt_first', NOW));
    assert.equal(await findIdempotentReplay(store, idempotencyClaim('cli_other', 'domestic-payment', 'k', BODY), NOW), null);
    assert.equal(await findIdempotentReplay(store, idempotencyClaim(CLIENT, 'domestic-payment-consent', 'k', BODY), NOW), null);
  });

  test('a record exactly 24 hours old → still replayed, not forgotten', async () => {
    const store = new InMemoryIdempotencyStore();
    const claim = idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY);
    store.insert(idempotencyRecord(claim, 'pmt_first', NOW));
    assert.equal(await findIdempotentReplay(store, claim, new Date(NOW.getTime() + IDEMPOTENCY_WINDOW_MS)), 'pmt_first');
    assert.equal(store.size, 1);
  });

  test('a record 24 hours and 1 ms old → forgotten and null; the key can then be stored afresh', async () => {
    const store = new InMemoryIdempotencyStore();
    const claim = idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY);
    store.insert(idempotencyRecord(claim, 'pmt_first', NOW));
    const later = new Date(NOW.getTime() + IDEMPOTENCY_WINDOW_MS + 1);
    assert.equal(await findIdempotentReplay(store, claim, later), null);
    assert.equal(store.size, 0);
    assert.deepEqual(
      store.forgotten.map((record) => record.resourceId),
      ['pmt_first'],
    );
    assert.equal(store.insert(idempotencyRecord(claim, 'pmt_second', later)), true);
    assert.equal(await findIdempotentReplay(store, claim, later), 'pmt_second');
  });

  test('an expired key reused with a different request → not refused (it is a new key now)', async () => {
    const store = new InMemoryIdempotencyStore();
    store.insert(idempotencyRecord(idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY), 'pmt_first', NOW));
    const other = idempotencyClaim(CLIENT, 'domestic-payment', 'k', { ...BODY, Risk: {} });
    assert.equal(await findIdempotentReplay(store, other, new Date(NOW.getTime() + IDEMPOTENCY_WINDOW_MS + 1)), null);
  });

  test('the window is 24 hours', () => {
    assert.equal(IDEMPOTENCY_WINDOW_MS, 86_400_000);
  });
});

describe('replayOf and idempotencyRecord', () => {
  test('the record of a claim carries the claim, the resource and the time', () => {
    const claim = idempotencyClaim(CLIENT, 'domestic-payment-consent', 'k', BODY);
    assert.deepEqual(idempotencyRecord(claim, 'pmc_1', NOW), { ...claim, resourceId: 'pmc_1', createdAt: NOW });
  });

  test('a race winner with the same request → its resource; with another → IdempotencyKeyReused', () => {
    const claim = idempotencyClaim(CLIENT, 'domestic-payment', 'k', BODY);
    const winner = idempotencyRecord(claim, 'pmt_winner', NOW);
    assert.equal(replayOf(winner, claim), 'pmt_winner');
    assert.throws(() => replayOf(winner, idempotencyClaim(CLIENT, 'domestic-payment', 'k', { other: true })), IdempotencyKeyReused);
  });
});
