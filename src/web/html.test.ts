// Proves that `html` escapes every interpolated value except SafeHtml from `html`/`raw`, including inside arrays.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { escapeHtml, html, raw } from './html.js';

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes an ampersand only once and leaves other text alone', () => {
    assert.equal(escapeHtml('Tom &amp; Jerry — £5 ••12'), 'Tom &amp;amp; Jerry — £5 ••12');
    assert.equal(escapeHtml(''), '');
  });
});

describe('html', () => {
  it('keeps literal parts and escapes interpolated strings', () => {
    const name = '<script>alert("x")</script>';
    assert.equal(
      String(html`<p title="${name}">${name}</p>`),
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
  });

  it('does not escape nested SafeHtml, which was escaped when it was built', () => {
    const inner = html`<strong>${'A & B'}</strong>`;
    assert.equal(String(html`<p>${inner}</p>`), '<p><strong>A &amp; B</strong></p>');
    assert.equal(String(html`<div>${html`<p>${inner}</p>`}</div>`), '<div><p><strong>A &amp; B</strong></p></div>');
  });

  it('passes raw() markup through unchanged', () => {
    assert.equal(String(html`<p>${raw('<br>')}</p>`), '<p><br></p>');
  });

  it('joins arrays with nothing, escaping plain strings inside them', () => {
    const items = ['<a>', 'b'].map((item) => html`<li>${item}</li>`);
    assert.equal(String(html`<ul>${items}</ul>`), '<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    assert.equal(String(html`${['<x>', raw('<y>'), [raw('<z>')]]}`), '&lt;x&gt;<y><z>');
    assert.equal(String(html`<ul>${[]}</ul>`), '<ul></ul>');
  });

  it('renders numbers as text and null, undefined and false as nothing', () => {
    assert.equal(String(html`${1}|${0}|${null}|${undefined}|${false}|${''}`), '1|0||||');
  });

  it('cannot be fooled by an object that only looks like SafeHtml', () => {
    const fake = { toString: () => '<b>' } as unknown as string;
    assert.equal(String(html`${fake}`), '&lt;b&gt;');
  });
});
