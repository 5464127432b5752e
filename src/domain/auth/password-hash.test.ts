// Proves that scrypt password hashes round-trip, reject wrong passwords, and never throw on malformed stored values.
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashPassword, verifyPassword } from './password-hash.js';

describe('hashPassword / verifyPassword', () => {
  it('hashPassword → self-describing scrypt$N$r$p$salt$hash value with N=2^15, r=8, p=1', async () => {
    const stored = await hashPassword('alice-sandbox-1');
    const [algorithm, n, r, p, salt, hash, ...rest] = stored.split('$');
    assert.deepEqual([algorithm, n, r, p, rest.length], ['scrypt', '32768', '8', '1', 0]);
    assert.equal(Buffer.from(salt ?? '', 'base64url').length, 16);
    assert.equal(Buffer.from(hash ?? '', 'base64url').length, 64);
  });

  it('hash then verify with the same password → true', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
  });

  it('verify with a wrong password → false', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword('correct horse battery stapler', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('the same password hashed twice → different values (random salt), both verify', async () => {
    const first = await hashPassword('pässwörd-ü');
    const second = await hashPassword('pässwörd-ü');
    assert.notEqual(first, second);
    assert.equal(await verifyPassword('pässwörd-ü', first), true);
    assert.equal(await verifyPassword('pässwörd-ü', second), true);
  });

  it('stored value with other cost parameters and a 32-byte key → verified with the parameters it names', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('legacy', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const stored = `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    assert.equal(await verifyPassword('legacy', stored), true);
    assert.equal(await verifyPassword('legacy!', stored), false);
  });

  it('verify against a malformed or tampered stored value → false, never throws', async () => {
    const stored = await hashPassword('secret');
    const [, , , , salt, hash] = stored.split('$');
    const malformed = [
      '',
      'not-a-hash',
      'scrypt$32768$8$1$onlyfive',
      `bcrypt$32768$8$1$${salt}$${hash}`,
      `scrypt$1000$8$1$${salt}$${hash}`,
      `scrypt$0$8$1$${salt}$${hash}`,
      `scrypt$1073741824$8$1$${salt}$${hash}`,
      `scrypt$32768$x$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}$not*base64`,
      `scrypt$32768$8$1$$${hash}`,
      `scrypt$32768$8$1$${salt}$`,
      `scrypt$32768$8$1$${salt}$${hash}$extra`,
      `scrypt$32768$8$1$${salt}$${(hash ?? '').slice(0, -4)}`,
    ];
    for (const value of malformed) {
      assert.equal(await verifyPassword('secret', value), false, value);
    }
  });
});
