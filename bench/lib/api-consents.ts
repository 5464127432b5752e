import { performance } from 'node:perf_hooks';
import { ProofMinter } from './dpop.js';
import { newIdempotencyKey, type DetachedSigner, type PaymentPartner } from './pisp-fixture.js';
import type { ChildServer } from './processes.js';

/**
 * Creates consents through the real API, `concurrency` at a time, as a partner does: a client-credentials token from
 * the token endpoint, then for each body a signed `POST path` with its own DPoP proof and idempotency key. Each must
 * answer 201 `AWAU`, without charges, signed.
 * @returns the ConsentIds in the order of `bodies`, and the seconds it took.
 */
export async function createConsentsThroughApi(
  server: ChildServer,
  partner: PaymentPartner,
  signer: DetachedSigner,
  path: string,
  bodies: readonly unknown[],
  concurrency: number,
): Promise<{ ids: string[]; seconds: number }> {
  const token = await partner.clientCredentialsToken();
  const minter = new ProofMinter(partner.dpopKey, token);
  const htu = `${server.origin}${path}`;
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      const body = JSON.stringify(bodies[index]);
      const response = await fetch(htu, {
        method: 'POST',
        headers: {
          authorization: `DPoP ${token}`,
          dpop: minter.mint('POST', htu),
          'content-type': 'application/json',
          accept: 'application/json',
          'x-idempotency-key': newIdempotencyKey(),
          'x-jws-signature': signer.sign(body),
        },
        body,
      });
      const text = await response.text();
      if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text.slice(0, 500)}`);
      const json = JSON.parse(text) as { Data: { ConsentId: string; Status: string; Charges?: unknown[] } };
      if (json.Data.Status !== 'AWAU' || json.Data.Charges) throw new Error(`unexpected consent: ${text.slice(0, 500)}`);
      if (!response.headers.get('x-jws-signature')) throw new Error('consent response without x-jws-signature');
      ids[index] = json.Data.ConsentId;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ids, seconds: (performance.now() - started) / 1000 };
}
