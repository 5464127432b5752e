/** What the portal says after a form, by the `?notice=` its redirect names (the query never supplies the words). */
export const PORTAL_NOTICES: Readonly<Record<string, string>> = {
  'signed-up': 'Your partner account is ready. Confirm your email address to create apps.',
  confirmed: 'Your email address is confirmed: you can create apps.',
  'confirmation-sent': 'We sent a new confirmation link.',
  'logged-out': 'You are logged out.',
  created: 'The app is registered. Its client id works at once with sandbox customers.',
  saved: 'Your changes are saved.',
  'key-added': 'The key is added: both the new and the old keys work until you retire one.',
  'key-retired': 'The key is retired: it no longer works.',
  disabled: 'The app is switched off: it gets no tokens, and its tokens are refused.',
  enabled: 'The app is switched on again.',
  'subscription-created': 'The event subscription is set: new events of the chosen types are raised for it.',
  'subscription-saved': 'The event subscription is changed: it applies to events raised from now on.',
  'subscription-deleted': 'The event subscription is removed: no more pushes. Events already raised stay available to polling.',
  'event-resent': 'The event is due to be pushed again now.',
  'test-event-sent': "A test event is written: a resource-update about this app's most recent consent, delivered like any event.",
};
