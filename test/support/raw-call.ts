import * as client from 'openid-client';
import type { ApiResponse, Partner } from './partner.js';
import { assertResponseSchema } from './response-schemas.js';
import type { TestServer } from './test-server.js';

/**
 * A resource API call with the body sent exactly as given (text that JSON.stringify could not write, or not JSON at
 * all), with the partner's DPoP-bound token; the response is checked against its schema like every partner call.
 */
export async function rawCall(
  server: TestServer,
  partner: Pick<Partner, 'config' | 'dpop'>,
  token: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const requestHeaders = new Headers(headers);
  if (body !== undefined && !requestHeaders.has('content-type')) requestHeaders.set('content-type', 'application/json');
  let response: Response;
  try {
    response = await client.fetchProtectedResource(partner.config, token, new URL(path, server.issuer), method, body, requestHeaders, {
      DPoP: partner.dpop,
    });
  } catch (error) {
    if (error instanceof client.WWWAuthenticateChallengeError) response = error.response;
    else throw error;
  }
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  assertResponseSchema(method, path, response.status, parsed);
  return { status: response.status, headers: response.headers, body: parsed };
}
