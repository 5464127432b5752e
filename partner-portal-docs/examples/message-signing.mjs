// Message signing as the bank's payment and event-subscription APIs require it (payments.md#message-signing): the
// partner signs each request body with a detached JWS (x-jws-signature), and checks the bank's signature on each
// response. Shared by the examples.
import { base64url, CompactSign, compactVerify } from 'jose';
import { ExampleFailure } from './example-failures.mjs';

const OB_IAT = 'http://openbanking.org.uk/iat';
const OB_ISS = 'http://openbanking.org.uk/iss';
const OB_TAN = 'http://openbanking.org.uk/tan';

/**
 * The x-jws-signature of a request body: a PS256 compact JWS over the body bytes, with its payload part
 * removed ("<protected header>..<signature>"). `bytes` must be exactly the bytes you send.
 */
export async function signDetached(bytes, { key, kid, issuer, trustAnchor }) {
  const jws = await new CompactSign(bytes)
    .setProtectedHeader({
      alg: 'PS256',
      kid,
      typ: 'JOSE',
      cty: 'application/json',
      [OB_IAT]: Math.floor(Date.now() / 1000),
      [OB_ISS]: issuer, // "{partner id}/{client id}"
      [OB_TAN]: trustAnchor,
      crit: [OB_IAT, OB_ISS, OB_TAN],
    })
    .sign(key, { crit: { [OB_IAT]: true, [OB_ISS]: true, [OB_TAN]: true } });
  const [header, , signature] = jws.split('.');
  return `${header}..${signature}`;
}

/**
 * Checks the bank's x-jws-signature over the exact response bytes with the bank's key (by kid, from jwks_uri),
 * and that it was signed by the bank (iss: `bankOrganisationId`) under the trust anchor (tan). Throws an
 * ExampleFailure saying what to check if anything is wrong.
 */
export async function verifyDetached(signature, bytes, bankKeys, { bankOrganisationId, trustAnchor }) {
  const [header, payload, value] = (signature ?? '').split('.');
  const hint = "BANK_ORGANISATION_ID and JWS_TRUST_ANCHOR must be the bank's: the payment example command on the app's page in the portal has them.";
  if (!header || payload !== '' || value === undefined) throw new ExampleFailure('The response has no detached x-jws-signature.', hint);
  let protectedHeader;
  try {
    ({ protectedHeader } = await compactVerify(`${header}.${base64url.encode(bytes)}.${value}`, bankKeys, {
      algorithms: ['PS256'],
      crit: { [OB_IAT]: true, [OB_ISS]: true, [OB_TAN]: true },
    }));
  } catch (error) {
    throw new ExampleFailure(
      `The response's x-jws-signature does not verify with the bank's keys (${error.message}).`,
      'ISSUER must be the bank you mean: it signs its responses with a key it publishes at its jwks_uri.',
    );
  }
  if (protectedHeader[OB_ISS] !== bankOrganisationId) {
    throw new ExampleFailure(`The response was signed by ${protectedHeader[OB_ISS]}, not by BANK_ORGANISATION_ID ${bankOrganisationId}.`, hint);
  }
  if (protectedHeader[OB_TAN] !== trustAnchor) {
    throw new ExampleFailure(`The response signature names trust anchor ${protectedHeader[OB_TAN]}, not JWS_TRUST_ANCHOR ${trustAnchor}.`, hint);
  }
  return protectedHeader;
}
