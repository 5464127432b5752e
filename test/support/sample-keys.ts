/**
 * A real RSA public key (PS256) for fixtures of payment initiation apps, which must hold an RSA key to sign payment
 * messages. Its private half was thrown away: it verifies nothing, it only makes a key set acceptable.
 */
export const PAYMENT_SIGNING_JWK: Readonly<Record<string, string>> = {
  kty: 'RSA',
  n: 'iHmXgmXpK6icaRgQOvGfVpvsDDXg9BownZZjwXZiuUUOPcCbbY9nCi0yvuPdxaVA_-BucPpNG-t62_Qi7fWJ3GdBKlYr9qSsCqek4ctqV6gO8ri--EDJohh-CxgYvCdEVbO5hF7ybgnbt1yXNn_H8Z-CyC1CjNHtBaec7Y4SaSB8p1jnjbLS5yCAZq1bu8raFvg2tCnhoNlolXB1DmXHscEmjdXqT5U0rzonkveK6Qg02_MNMXgdzSPzJhFp62va9Akw3aUj8cFUAF_k_Fl_5MsCd5omd6AFt_tfX3UdUvoicGhzRVZRtta5cNsK0XelAgvVOZiKZbKfFLMZ0-m0dQ',
  e: 'AQAB',
  kid: 'payments-signing-1',
  alg: 'PS256',
  use: 'sig',
};
