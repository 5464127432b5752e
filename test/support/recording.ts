import * as client from 'openid-client';

/** A request a partner's client sent, as it went on the wire (to send it again, as an attacker who saw it would). */
export interface RecordedRequest {
  readonly url: string;
  readonly init: RequestInit;
}

/** Runs `work` with every request of `config`'s client recorded (its URL and init), then stops recording. */
export async function recording(config: client.Configuration, work: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const requests: RecordedRequest[] = [];
  config[client.customFetch] = async (url, init) => {
    requests.push({ url, init: init });
    return fetch(url, init);
  };
  try {
    await work();
  } finally {
    delete config[client.customFetch];
  }
  return requests;
}
