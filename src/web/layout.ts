import { html, type SafeHtml } from './html.js';

/** The bank's name as the customer sees it in the header and the window title. */
export const BANK_NAME = 'OpenTeller Bank';

/** What a page puts around its content. */
export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Shown at the right of the header: who is signed in, navigation, the log-out button. */
  nav?: SafeHtml;
  /** `wide` pages (the partner portal, connected apps) hold tables and use more of the screen. */
  width?: 'narrow' | 'wide';
  /** A name shown after the bank's, e.g. "Partner portal". */
  section?: string;
}

/**
 * Wraps page content in the full HTML document shared by every page: one stylesheet, no scripts, no inline styles
 * (the Content-Security-Policy forbids both), a header with the bank's text logo and a `<main>`.
 */
export function renderLayout({ title, body, nav, width = 'narrow', section }: LayoutOptions): string {
  const wide = width === 'wide';
  const document = html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title} – ${section ? `${section} – ` : ''}${BANK_NAME}</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="site-header">
<div class="site-header__inner${wide ? ' site-header__inner--wide' : ''}">
<span class="brand"><span class="brand__mark" aria-hidden="true"></span><span class="brand__name">${BANK_NAME}</span>${section && html`<span class="brand__section">${section}</span>`}</span>
${nav && html`<nav class="site-nav" aria-label="Account">${nav}</nav>`}
</div>
</header>
<main class="page${wide ? ' page--wide' : ''}">
<div class="card">
${body}
</div>
</main>
</body>
</html>`;
  return `<!doctype html>\n${document.toString()}\n`;
}
