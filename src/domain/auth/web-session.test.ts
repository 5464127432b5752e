// Proves browser sessions: the cookie token is stored only as a hash, a session ends at its idle or absolute expiry, use moves the idle expiry forward (written at most once a minute, never past the absolute expiry), and malformed, unknown, ended or other-kind tokens resume nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  endSession,
  resumeSession,
  SESSION_LIFETIMES,
  startSession,
  type SessionKind,
  type WebSession,
  type WebSessionStore,
} from './web-session.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const MINUTE = 60_000;

/** A WebSessionStore in memory with the TypeORM store's semantics (find by hash and kind); it records every call. */
class InMemoryWebSessionStore implements WebSessionStore {
  readonly sessions = new Map<string, WebSession>();
  readonly calls: string[] = [];

  async insert(session: WebSession): Promise<void> {
    this.calls.push('insert');
    if (this.sessions.has(session.idHash)) throw new Error('duplicate session');
    this.sessions.set(session.idHash, { ...session });
  }

  async find(idHash: string, kind: SessionKind): Promise<WebSession | null> {
    this.calls.push('find');
    const session = this.sessions.get(idHash);
    return session && session.kind === kind ? { ...session } : null;
  }

  async extend(idHash: string, idleExpiresAt: Date): Promise<void> {
    this.calls.push('extend');
    const session = this.sessions.get(idHash);
    if (session) this.sessions.set(idHash, { ...session, idleExpiresAt });
  }

  async delete(idHash: string): Promise<void> {
    this.calls.push('delete');
    this.sessions.delete(idHash);
  }

  /** How many idle extensions were written. */
  get extensions(): number {
    return this.calls.filter((call) => call === 'extend').length;
  }
}

function at(offsetMs: number): Date {
  return new Date(NOW.getTime() + offsetMs);
}

describe('startSession', () => {
  test('a partner session → 43-character token, only its SHA-256 stored, 30 minutes idle and 12 hours absolute', async () => {
    const store = new InMemoryWebSessionStore();
    const { token, session } = await startSession(store, 'partner', 'usr_dev', NOW);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(session.idHash, createHash('sha256').update(token).digest('base64url'));
    assert.deepEqual(session, {
      idHash: session.idHash,
      kind: 'partner',
      subjectId: 'usr_dev',
      createdAt: NOW,
      expiresAt: at(12 * 60 * MINUTE),
      idleExpiresAt: at(30 * MINUTE),
    });
    assert.deepEqual(store.sessions.get(session.idHash), session);
    assert.ok(!JSON.stringify([...store.sessions.values()]).includes(token));
  });

  test('a customer session → 10 minutes idle and 1 hour absolute', async () => {
    const { session } = await startSession(new InMemoryWebSessionStore(), 'customer', 'cus_alice', NOW);
    assert.deepEqual(session.idleExpiresAt, at(10 * MINUTE));
    assert.deepEqual(session.expiresAt, at(60 * MINUTE));
    assert.deepEqual(SESSION_LIFETIMES.customer, { idleMs: 10 * MINUTE, absoluteMs: 60 * MINUTE });
  });

  test('two sessions of one subject → two different tokens and hashes', async () => {
    const store = new InMemoryWebSessionStore();
    const first = await startSession(store, 'partner', 'usr_dev', NOW);
    const second = await startSession(store, 'partner', 'usr_dev', NOW);
    assert.notEqual(first.token, second.token);
    assert.equal(store.sessions.size, 2);
  });
});

describe('resumeSession', () => {
  test('the token right after start → the session, nothing written', async () => {
    const store = new InMemoryWebSessionStore();
    const { token, session } = await startSession(store, 'partner', 'usr_dev', NOW);
    assert.deepEqual(await resumeSession(store, 'partner', token, at(1000)), session);
    assert.equal(store.extensions, 0);
  });

  test('used 59 s after the last extension → not written; 60 s after → idle expiry moved to now + idle, written once', async () => {
    const store = new InMemoryWebSessionStore();
    const { token, session } = await startSession(store, 'partner', 'usr_dev', NOW);
    const early = await resumeSession(store, 'partner', token, at(59_000));
    assert.deepEqual(early?.idleExpiresAt, session.idleExpiresAt);
    assert.equal(store.extensions, 0);
    const extended = await resumeSession(store, 'partner', token, at(MINUTE));
    assert.deepEqual(extended?.idleExpiresAt, at(MINUTE + 30 * MINUTE));
    assert.equal(store.extensions, 1);
    assert.deepEqual(store.sessions.get(session.idHash)?.idleExpiresAt, at(31 * MINUTE));
  });

  test('a page every 10 seconds for 10 minutes → at most one extension write per minute', async () => {
    const store = new InMemoryWebSessionStore();
    const { token } = await startSession(store, 'customer', 'cus_alice', NOW);
    for (let elapsed = 10_000; elapsed <= 10 * MINUTE; elapsed += 10_000) {
      assert.ok(await resumeSession(store, 'customer', token, at(elapsed)), `resumed at ${elapsed}`);
    }
    assert.ok(store.extensions <= 10, `${store.extensions} extensions`);
    assert.ok(store.extensions >= 9, `${store.extensions} extensions`);
  });

  test('idle until just before the idle expiry → resumed; at the idle expiry → null', async () => {
    const store = new InMemoryWebSessionStore();
    const { token } = await startSession(store, 'partner', 'usr_dev', NOW);
    assert.ok(await resumeSession(store, 'partner', token, at(30 * MINUTE - 1)));
    const other = await startSession(store, 'partner', 'usr_dev', NOW);
    assert.equal(await resumeSession(store, 'partner', other.token, at(30 * MINUTE)), null);
  });

  test('a customer idle for 10 minutes → null', async () => {
    const store = new InMemoryWebSessionStore();
    const { token } = await startSession(store, 'customer', 'cus_alice', NOW);
    assert.equal(await resumeSession(store, 'customer', token, at(10 * MINUTE)), null);
  });

  test('kept busy past the absolute expiry → null at it, and the idle expiry never went past it', async () => {
    const store = new InMemoryWebSessionStore();
    const { token, session } = await startSession(store, 'customer', 'cus_alice', NOW);
    for (let elapsed = 5 * MINUTE; elapsed < 60 * MINUTE; elapsed += 5 * MINUTE) {
      const resumed = await resumeSession(store, 'customer', token, at(elapsed));
      assert.ok(resumed, `resumed at ${elapsed / MINUTE} min`);
      assert.ok(resumed.idleExpiresAt.getTime() <= session.expiresAt.getTime());
    }
    assert.deepEqual(store.sessions.get(session.idHash)?.idleExpiresAt, session.expiresAt);
    assert.equal(await resumeSession(store, 'customer', token, at(60 * MINUTE)), null);
  });

  test('malformed tokens (missing, empty, short, 44 characters, padded, other alphabet) → null without reading the store', async () => {
    const store = new InMemoryWebSessionStore();
    const { token } = await startSession(store, 'partner', 'usr_dev', NOW);
    for (const bad of [
      undefined,
      '',
      'abc',
      `${token}A`,
      token.slice(1),
      `${token.slice(0, 42)}=`,
      `${token.slice(0, 42)}+`,
      `${token.slice(0, 42)}/`,
      ` ${token.slice(1)}`,
    ]) {
      assert.equal(await resumeSession(store, 'partner', bad, NOW), null, String(bad));
    }
    assert.deepEqual(store.calls, ['insert']);
  });

  test('a well-formed token of no session → null', async () => {
    assert.equal(await resumeSession(new InMemoryWebSessionStore(), 'partner', 'A'.repeat(43), NOW), null);
  });

  test("a partner session's token on the customer side (and the reverse) → null", async () => {
    const store = new InMemoryWebSessionStore();
    const partner = await startSession(store, 'partner', 'usr_dev', NOW);
    const customer = await startSession(store, 'customer', 'cus_alice', NOW);
    assert.equal(await resumeSession(store, 'customer', partner.token, NOW), null);
    assert.equal(await resumeSession(store, 'partner', customer.token, NOW), null);
    assert.equal((await resumeSession(store, 'partner', partner.token, NOW))?.subjectId, 'usr_dev');
  });
});

describe('endSession', () => {
  test('logging out → the session is deleted and its token resumes nothing', async () => {
    const store = new InMemoryWebSessionStore();
    const { token, session } = await startSession(store, 'partner', 'usr_dev', NOW);
    await endSession(store, token);
    assert.equal(store.sessions.has(session.idHash), false);
    assert.equal(await resumeSession(store, 'partner', token, NOW), null);
  });

  test('logging out one session → the other sessions of the subject keep working', async () => {
    const store = new InMemoryWebSessionStore();
    const first = await startSession(store, 'partner', 'usr_dev', NOW);
    const second = await startSession(store, 'partner', 'usr_dev', NOW);
    await endSession(store, first.token);
    assert.ok(await resumeSession(store, 'partner', second.token, NOW));
  });

  test('no token → nothing asked of the store; an unknown token → ignored', async () => {
    const store = new InMemoryWebSessionStore();
    await endSession(store, undefined);
    await endSession(store, '');
    assert.deepEqual(store.calls, []);
    await assert.doesNotReject(endSession(store, 'A'.repeat(43)));
  });
});
