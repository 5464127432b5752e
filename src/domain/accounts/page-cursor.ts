import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidField } from '../errors.js';
import type { TransactionPosition } from './transaction.js';

/** Where a page link points: the next (older) or previous (newer) page from a position. */
export interface PageCursor {
  readonly towards: 'older' | 'newer';
  readonly position: TransactionPosition;
}

/**
 * Opaque, tamper-proof page cursors. A cursor is bound to the consent and the listing (account and filters)
 * it was issued for: a cursor from another consent or another listing, or an altered one, is refused.
 */
export function pageCursors(secret: Uint8Array) {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22);

  return {
    encode(cursor: PageCursor, scope: string): string {
      const payload = Buffer.from(
        JSON.stringify([cursor.towards === 'older' ? 'o' : 'n', cursor.position.bookedAt.getTime(), cursor.position.id]),
      ).toString('base64url');
      return `${payload}.${sign(`${scope}|${payload}`)}`;
    },
    /** @throws InvalidField (path `cursor`) for a malformed, altered or foreign cursor. */
    decode(token: string, scope: string): PageCursor {
      const refused = new InvalidField('The page cursor is invalid, was altered, or belongs to another consent or listing', 'cursor');
      const [payload, signature, ...rest] = token.split('.');
      if (!payload || !signature || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]{22}$/.test(signature)) throw refused;
      if (!timingSafeEqual(Buffer.from(signature), Buffer.from(sign(`${scope}|${payload}`)))) throw refused;
      try {
        const [towards, bookedAtMs, id] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, number, string];
        return { towards: towards === 'o' ? 'older' : 'newer', position: { bookedAt: new Date(bookedAtMs), id: String(id) } };
      } catch {
        throw refused;
      }
    },
  };
}

export type PageCursors = ReturnType<typeof pageCursors>;
