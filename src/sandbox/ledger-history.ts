import { bankAccountId, type Account } from '../domain/accounts/account.js';
import { InvalidField } from '../domain/errors.js';
import type { Counterparty, EntryDraft, EntryStatus, TransferDraft, TransferKind } from '../domain/ledger/ledger.js';
import { BANK_NAME } from './sandbox-bank.js';

/** The least headroom above the overdraft limit a customer account keeps at its lowest point. */
const OPENING_CUSHION_MINOR = 2_500n;
const BROUGHT_FORWARD: Counterparty = { name: 'Balance brought forward', schemeName: null, identification: null };

interface Candidate {
  readonly at: number;
  readonly seq: number;
  readonly kind: TransferKind;
  readonly status: EntryStatus;
  readonly currency: string;
  readonly reference: string;
  readonly entries: readonly EntryDraft[];
}

/** Money between a customer account and the outside world; `amountMinor` is signed from the customer's side. */
interface ExternalMovement {
  readonly accountId: string;
  readonly amountMinor: bigint;
  readonly at: number;
  readonly kind: TransferKind;
  readonly reference: string;
  readonly information: string;
  readonly counterparty: Counterparty;
  readonly status?: EntryStatus;
}

/** Money from one customer account to another, of the same or another customer. */
interface InternalMovement {
  readonly fromId: string;
  readonly toId: string;
  readonly amountMinor: bigint;
  readonly at: number;
  readonly reference: string;
  readonly fromInformation: string;
  readonly toInformation: string;
}

/**
 * Collects transfers in any order, then sorts them and opens every customer account with a balance brought
 * forward just high enough (at least the planned one) that no running balance breaks its overdraft limit.
 */
export class LedgerHistory {
  private readonly candidates: Candidate[] = [];
  private readonly accounts: ReadonlyMap<string, Account>;

  constructor(
    accounts: readonly Account[],
    private readonly windowStart: number,
    private readonly anchor: number,
  ) {
    this.accounts = new Map(accounts.map((item) => [item.id, item]));
  }

  /** Records the movement when it falls strictly inside the window. */
  external(movement: ExternalMovement): void {
    if (this.inWindow(movement.at)) this.candidates.push(this.externalCandidate(movement));
  }

  /** Records the movement when it falls strictly inside the window. */
  internal(movement: InternalMovement): void {
    if (!this.inWindow(movement.at)) return;
    const { fromId, toId, amountMinor } = movement;
    const entries: EntryDraft[] = [
      { accountId: fromId, amountMinor: -amountMinor, information: movement.fromInformation, counterparty: this.counterpartyOf(toId) },
      { accountId: toId, amountMinor, information: movement.toInformation, counterparty: this.counterpartyOf(fromId) },
    ];
    const { currency } = this.account(fromId);
    const { at, reference } = movement;
    this.candidates.push({ at, seq: this.candidates.length, kind: 'transfer', status: 'BOOK', currency, reference, entries });
  }

  /** Opening transfers (at the window start), then everything else by time; ids follow that order. */
  transfers(plannedOpenings: ReadonlyMap<string, bigint>): TransferDraft[] {
    const sorted = [...this.candidates].sort((a, b) => a.at - b.at || a.seq - b.seq);
    const lowest = lowestRunningBalances(sorted);
    const openings = [...plannedOpenings].map(([accountId, plannedMinor]) => {
      const neededMinor = -this.account(accountId).overdraftLimitMinor + OPENING_CUSHION_MINOR - (lowest.get(accountId) ?? 0n);
      return this.externalCandidate({
        accountId,
        amountMinor: plannedMinor > neededMinor ? plannedMinor : neededMinor,
        at: this.windowStart,
        kind: 'opening',
        reference: 'OPENING BALANCE',
        information: 'OPENING BALANCE',
        counterparty: BROUGHT_FORWARD,
      });
    });
    return [...openings, ...sorted].map((candidate, index) => ({
      id: `trf_seed_${String(index + 1).padStart(6, '0')}`,
      kind: candidate.kind,
      currency: candidate.currency,
      reference: candidate.reference,
      status: candidate.status,
      bookedAt: new Date(candidate.at),
      valueAt: new Date(candidate.at),
      entries: candidate.entries,
    }));
  }

  private inWindow(at: number): boolean {
    return at > this.windowStart && at < this.anchor;
  }

  private account(id: string): Account {
    const found = this.accounts.get(id);
    if (!found) throw new InvalidField(`Sandbox seed refers to unknown account ${id}`);
    return found;
  }

  private counterpartyOf(id: string): Counterparty {
    const first = this.account(id).identifications[0];
    if (!first) return { name: BANK_NAME, schemeName: null, identification: null };
    return { name: first.name ?? BANK_NAME, schemeName: first.schemeName, identification: first.identification };
  }

  private externalCandidate(movement: ExternalMovement): Candidate {
    const { accountId, amountMinor, information } = movement;
    const { currency } = this.account(accountId);
    const entries: EntryDraft[] = [
      { accountId, amountMinor, information, counterparty: movement.counterparty },
      {
        accountId: bankAccountId(currency, 'external-funding'),
        amountMinor: -amountMinor,
        information: `EXT ${information}`,
        counterparty: this.counterpartyOf(accountId),
      },
    ];
    const { at, kind, reference } = movement;
    return { at, seq: this.candidates.length, kind, status: movement.status ?? 'BOOK', currency, reference, entries };
  }
}

/** The lowest balance each account reaches over the candidates, in order, counting pending ones (0 at the start). */
function lowestRunningBalances(candidates: readonly Candidate[]): Map<string, bigint> {
  const running = new Map<string, bigint>();
  const lowest = new Map<string, bigint>();
  for (const entry of candidates.flatMap((candidate) => candidate.entries)) {
    const balance = (running.get(entry.accountId) ?? 0n) + entry.amountMinor;
    running.set(entry.accountId, balance);
    if (balance < (lowest.get(entry.accountId) ?? 0n)) lowest.set(entry.accountId, balance);
  }
  return lowest;
}
