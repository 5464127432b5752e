import { html, type SafeHtml } from './html.js';

/** Errors to show next to the fields they are about, by field name. */
export type FieldErrors = Readonly<Record<string, string>>;

interface FieldOptions {
  readonly name: string;
  readonly label: string;
  readonly value?: string;
  readonly hint?: string;
  readonly errors?: FieldErrors;
  readonly required?: boolean;
}

/** A labelled text input; its hint and error are announced with it (`aria-describedby`). */
export function textField(options: FieldOptions & { type?: 'text' | 'email' | 'password' | 'url'; autocomplete?: string }): SafeHtml {
  const { name, value, required, type = 'text', autocomplete } = options;
  const { id, heading, described } = fieldParts(options);
  return html`<div class="field">
${heading}
<input class="field__input" type="${type}" id="${id}" name="${name}"${type === 'password' ? '' : html` value="${value ?? ''}"`}${autocomplete ? html` autocomplete="${autocomplete}"` : ''}${required ? html` required` : ''}${described}>
</div>`;
}

/** A labelled multi-line input (redirect URIs, key sets). */
export function textArea(options: FieldOptions & { rows?: number }): SafeHtml {
  const { name, value, required, rows = 4 } = options;
  const { id, heading, described } = fieldParts(options);
  return html`<div class="field">
${heading}
<textarea class="field__input" id="${id}" name="${name}" rows="${rows}" spellcheck="false"${required ? html` required` : ''}${described}>${value ?? ''}</textarea>
</div>`;
}

/** A field's id, its label with hint and error, and the attributes tying them to the control. */
function fieldParts({ name, label, hint, errors }: FieldOptions): { id: string; heading: SafeHtml; described: SafeHtml } {
  const error = errors?.[name];
  const id = `field-${name}`;
  const describedBy = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return {
    id,
    heading: html`<label class="field__label" for="${id}">${label}</label>
${hint && html`<span class="field__hint" id="${id}-hint">${hint}</span>`}
${error && html`<span class="field__error" id="${id}-error">${error}</span>`}`,
    described: html`${describedBy && html` aria-describedby="${describedBy}"`}${error && html` aria-invalid="true"`}`,
  };
}

/** Every error of a refused form, at its top, announced to screen readers. */
export function errorSummary(errors: FieldErrors | undefined): SafeHtml | false {
  const messages = Object.values(errors ?? {});
  return (
    messages.length > 0 &&
    html`<div class="alert" role="alert"><p>${messages.length === 1 ? messages[0] : 'Check these and try again:'}</p>${messages.length > 1 && html`<ul>${messages.map((message) => html`<li>${message}</li>`)}</ul>`}</div>`
  );
}

/** The hidden anti-forgery field every form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** A form holding one button (an action such as "Log out" or "Retire key"), with its hidden fields. */
export function postButton(options: {
  action: string;
  csrf: string;
  label: string;
  variant?: 'primary' | 'secondary' | 'danger' | 'link';
  fields?: Readonly<Record<string, string>>;
  accessibleLabel?: string;
}): SafeHtml {
  const { action, csrf, label, variant = 'secondary', fields = {}, accessibleLabel } = options;
  const buttonClass = variant === 'link' ? 'link-button' : `button button--${variant} button--small`;
  return html`<form class="inline-form" method="post" action="${action}">${csrfField(csrf)}${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<button class="${buttonClass}" type="submit"${accessibleLabel ? html` aria-label="${accessibleLabel}"` : ''}>${label}</button></form>`;
}

/** A notice confirming what just happened (after a redirect), announced politely. */
export function notice(text: string | undefined): SafeHtml | false {
  return Boolean(text) && html`<div class="notice" role="status"><p>${text}</p></div>`;
}
