import { html } from './html.js';
import { renderLayout } from './layout.js';

export interface MessagePageModel {
  /** Short heading, e.g. "This link has expired". */
  title: string;
  /** One or two plain sentences saying what to do next. */
  message: string;
  /** An id the customer can quote to support. */
  reference?: string;
}

/** A page that only tells the customer something, e.g. that their link has expired or is invalid. */
export function renderMessagePage(model: MessagePageModel): string {
  const { title, message, reference } = model;
  const body = html`<div class="message">
<span class="message__icon" aria-hidden="true"></span>
<h1>${title}</h1>
<p class="lead">${message}</p>
${reference && html`<p class="reference">Reference: <span class="reference__id">${reference}</span></p>`}
</div>`;
  return renderLayout({ title, body });
}
