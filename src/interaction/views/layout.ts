import { html, type SafeHtml } from './html.js';

/** The bank's name as the customer sees it in the header and the window title. */
export const BANK_NAME = 'OpenTeller Bank';

/**
 * Wraps page content in the full HTML document shared by every interaction page: one stylesheet, no scripts,
 * no inline styles (the Content-Security-Policy forbids both), a header with the bank's text logo and a `<main>`.
 */
export function renderLayout({ title, body }: { title: string; body: SafeHtml }): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title} – ${BANK_NAME}</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="site-header">
<div class="site-header__inner">
<span class="brand"><span class="brand__mark" aria-hidden="true"></span><span class="brand__name">${BANK_NAME}</span></span>
</div>
</header>
<main class="page">
<div class="card">
${body}
</div>
</main>
</body>
</html>`}\n`;
}
