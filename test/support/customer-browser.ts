/**
 * A headless "browser" for the customer pages: keeps cookies, follows redirects until the partner's
 * redirect URI, reads the forms of the login and consent pages and submits them as a person would.
 */
export class CustomerBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly issuer: string) {}

  /** GET or POST a URL without following redirects, keeping cookies. */
  async request(url: string, init: { method?: string; form?: Record<string, string | string[]> } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(init.form)) for (const item of ([] as string[]).concat(value)) params.append(name, item);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(new URL(url, this.issuer), { method: init.method ?? (body ? 'POST' : 'GET'), body, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, index);
      const value = (pair ?? '').slice(index + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /**
   * Follows redirects from `url` until a page (returned) or a redirect to `stopAt` (the partner's callback,
   * returned as `callback`).
   */
  async follow(url: string, stopAt: string, init: { form?: Record<string, string | string[]> } = {}): Promise<Page> {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10; hops += 1) {
      if (response.status < 300 || response.status >= 400) return { status: response.status, html: await response.text(), response };
      const location = new URL(response.headers.get('location') ?? '', this.issuer);
      if (location.href.startsWith(stopAt)) return { status: response.status, html: '', response, callback: location };
      response = await this.request(location.href);
    }
    throw new Error('too many redirects');
  }
}

export interface Page {
  readonly status: number;
  readonly html: string;
  readonly response: Response;
  readonly callback?: URL;
}

/** The action and hidden fields of the page's form. */
export function readForm(html: string): { action: string; hidden: Record<string, string>; accountIds: string[] } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on page: ${html.slice(0, 300)}`);
  const hidden: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1];
    if (name) hidden[name] = value ?? '';
  }
  const accountIds = [...html.matchAll(/<input[^>]*name="accounts"[^>]*value="([^"]+)"/g)].map((match) => match[1] as string);
  return { action: action.replace(/&amp;/g, '&'), hidden, accountIds };
}
