import type { StatusReason } from './risk-policy.js';

/** Why a payment was not made, in the customer's words, by ISO 20022 status reason. */
const REASONS: Readonly<Record<string, string>> = {
  AM02: 'the amount is above the largest payment the bank allows',
  AM03: "the payee's account does not take this currency",
  AM04: 'there was not enough money in the account',
  AM14: 'it would have gone over your daily payment limit',
  AG01: 'too many payments were made in a short time',
  AC01: "the payee's account number is not valid",
  AC03: 'the payee account cannot receive payments',
  AC04: "the payee's account is closed",
  AC06: "the payee's account is blocked",
};

/**
 * Why a payment was not made, as a clause a customer reads after "Not paid: " (the reason's own description for a
 * code without words of ours).
 */
export function describeStatusReason(reason: StatusReason): string {
  return REASONS[reason.code] ?? reason.description;
}
