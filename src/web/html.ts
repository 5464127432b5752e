/**
 * A tiny HTML templating helper. `html` escapes every interpolated value unless it is `SafeHtml`, which only
 * `html` itself and `raw()` can produce, so markup built from request or database data cannot inject tags.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes `& < > " '` so the value is safe in element content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/**
 * Markup that is already safe to emit. The class is exported as a type only, so other modules cannot construct
 * one (and the `#private` field makes it nominal, so no look-alike object type-checks as `SafeHtml`).
 */
class SafeHtml {
  readonly #html: string;

  constructor(markup: string) {
    this.#html = markup;
  }

  toString(): string {
    return this.#html;
  }
}

export type { SafeHtml };

/**
 * What may be interpolated: text (escaped), numbers, `SafeHtml`, arrays of these (joined with nothing), and
 * `null`/`undefined`/`false` (rendered as nothing, so `${cond && html`…`}` works).
 */
export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: literal parts are kept as written, interpolated values are escaped unless `SafeHtml`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks trusted markup as safe without escaping. Never pass data that came from a request or a partner. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
