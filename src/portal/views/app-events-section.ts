import type { AppEvent } from '../../domain/events/app-event-history.js';
import { EVENT_SUBSCRIPTION_VERSION, type EventSubscription } from '../../domain/events/event-subscriptions.js';
import { SUBSCRIBABLE_EVENT_TYPES } from '../../domain/events/event-types.js';
import { csrfField, errorSummary, postButton, textField, type FieldErrors } from '../../web/form-fields.js';
import { formatDateTime } from '../../web/formats.js';
import { html, type SafeHtml } from '../../web/html.js';
import { describeAttempt, describeDelivery, describeEventType, describeResourceType } from './event-text.js';

/** The subscription form as typed (a refused form comes back as it was sent). */
export interface SubscriptionFormValues {
  readonly callbackUrl: string;
  readonly eventTypes: readonly string[];
  readonly version: string;
}

/** What the app page's events section shows. */
export interface AppEventsModel {
  readonly subscription: EventSubscription | null;
  readonly events: readonly AppEvent[];
  /** Whether "Send a test event" is offered (the sandbox). */
  readonly canSendTestEvent: boolean;
  /** Whether callback URLs may be plain http to this machine (a loopback sandbox). */
  readonly loopbackHttpAllowed: boolean;
  /** A refused subscription form, with its errors by field. */
  readonly form?: { readonly values: SubscriptionFormValues; readonly errors: FieldErrors };
}

/** The subscription's settings as the form shows them. */
export function subscriptionFormValues(subscription: EventSubscription | null): SubscriptionFormValues {
  return {
    callbackUrl: subscription?.callbackUrl ?? '',
    eventTypes: subscription?.eventTypes ?? [],
    version: subscription?.version ?? EVENT_SUBSCRIPTION_VERSION,
  };
}

/** The app's event subscription with its form, and its newest events with every push attempt. */
export function renderAppEventsSection(model: AppEventsModel, base: string, csrf: string): SafeHtml {
  return html`<section class="section" aria-labelledby="events-heading">
<h2 id="events-heading">Events</h2>
${subscriptionPart(model, base, csrf)}
${eventsPart(model, base, csrf)}
</section>`;
}

function subscriptionPart(model: AppEventsModel, base: string, csrf: string): SafeHtml {
  const { subscription } = model;
  const values = model.form?.values ?? subscriptionFormValues(subscription);
  const errors = model.form?.errors;
  return html`<h3>Event subscription</h3>
${
  subscription
    ? html`<dl class="details" id="event-subscription">
<dt>Callback URL</dt><dd>${subscription.callbackUrl ? html`<span class="mono">${subscription.callbackUrl}</span>` : 'None: the app collects its events by polling or the stream'}</dd>
<dt>Event types</dt><dd>${subscription.eventTypes ? subscription.eventTypes.map((code, index) => html`${index > 0 && ', '}${describeEventType(code)} (<span class="mono">${code}</span>)`) : 'Every type'}</dd>
<dt>Version</dt><dd>${subscription.version}</dd>
<dt>Subscription id</dt><dd class="mono">${subscription.id}</dd>
<dt>Last changed</dt><dd>${formatDateTime(subscription.updatedAt)}</dd>
</dl>`
    : html`<p>This app has no event subscription: its events of every type wait for polling (<span class="mono">POST /open-banking/v4.0/events</span>) or the stream. Subscribe to have them pushed to a callback URL, or to choose the types.</p>`
}
${errorSummary(errors)}
<form class="form" method="post" action="${base}/event-subscription" novalidate>
${csrfField(csrf)}
${textField({ name: 'callback_url', label: 'Callback URL (optional)', type: 'url', value: values.callbackUrl, hint: `An https URL ending with /open-banking/v4.0/event-notifications${model.loopbackHttpAllowed ? ' (http://localhost and http://127.0.0.1 also work in this sandbox)' : ''}. Leave it empty to poll instead.`, errors })}
<fieldset class="fieldset">
<legend class="fieldset__legend">Event types (none chosen: every type)</legend>
${errors?.event_types && html`<span class="field__error" id="event-types-error">${errors.event_types}</span>`}
<div class="choices">${Object.keys(SUBSCRIBABLE_EVENT_TYPES).map(
    (code) =>
      html`<div class="choice"><input class="choice__input" type="checkbox" id="event-type-${code}" name="event_types" value="${code}"${values.eventTypes.includes(code) ? html` checked` : ''}><label class="choice__label" for="event-type-${code}"><span class="choice__title">${describeEventType(code)}</span><span class="choice__detail mono">${code}</span></label></div>`,
  )}</div>
</fieldset>
${textField({ name: 'version', label: 'Version', value: values.version, hint: `The version of the event API: ${EVENT_SUBSCRIPTION_VERSION}.`, required: true, errors })}
<div class="actions actions--row"><button class="button button--primary button--inline" type="submit">${subscription ? 'Save subscription' : 'Subscribe'}</button></div>
</form>
${
  subscription &&
  html`<p>${postButton({ action: `${base}/event-subscription/delete`, csrf, label: 'Remove subscription', variant: 'danger', fields: { subscription_id: subscription.id } })} No more pushes; events already raised stay available to polling.</p>`
}`;
}

function eventsPart(model: AppEventsModel, base: string, csrf: string): SafeHtml {
  return html`<h3>Newest events</h3>
${
  model.canSendTestEvent &&
  html`<p>${postButton({ action: `${base}/test-event`, csrf, label: 'Send a test event' })} A real, signed resource-update about this app's most recent consent, pushed, polled and streamed like any other.</p>`
}
${
  model.events.length === 0
    ? html`<p>No events yet. An event is raised when a payment of this app settles or is rejected, or a customer revokes a consent, stops sharing an account or lets it expire.</p>`
    : html`<div class="table-wrap"><table class="table" id="app-events">
<caption>The newest ${model.events.length} events of this app, newest first</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Events</th><th scope="col">About</th><th scope="col">Delivery</th><th scope="col">Push attempts</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${model.events.map(
        (event) =>
          html`<tr id="event-${event.jti}"><td>${formatDateTime(event.createdAt)}<br><span class="note mono">${event.jti}</span></td><td>${event.eventTypes.map((code, index) => html`${index > 0 && html`<br>`}${describeEventType(code)}`)}</td><td>${describeResourceType(event.resource.type)}<br><span class="mono">${event.resource.id}</span></td><td>${describeDelivery(event)}</td><td>${
            event.attempts.length === 0
              ? 'None'
              : html`<ol class="attempts">${event.attempts.map((attempt) => html`<li>${formatDateTime(attempt.attemptedAt)}: ${describeAttempt(attempt)} (${attempt.latencyMs} ms)</li>`)}</ol>`
          }</td><td>${event.pushState === 'failed' && postButton({ action: `${base}/events/resend`, csrf, label: 'Resend', fields: { jti: event.jti }, accessibleLabel: `Resend event ${event.jti}` })}</td></tr>`,
      )}</tbody>
</table></div>`
}`;
}
