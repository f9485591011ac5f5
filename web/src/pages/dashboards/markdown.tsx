import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { useMemo } from 'preact/hooks';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Raw HTML in the markdown is shown as text, never parsed: a text panel is markdown only.
 * (Parsing it and letting DOMPurify strip it would be safe too, but Chromium reports a CSP
 * violation for every handler attribute DOMPurify's parser meets.)
 */
const markdown = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

/**
 * Markdown of a text panel, rendered safely: marked turns it into HTML (raw HTML escaped),
 * DOMPurify keeps only plain formatting (no script, style, event handlers, iframes, forms, SVG
 * or `javascript:` URLs), and links open in a new tab without an opener.
 */
const ALLOWED_TAGS = [
  'a',
  'b',
  'blockquote',
  'br',
  'code',
  'del',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'li',
  'ol',
  'p',
  'pre',
  'strong',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'alt', 'src'];

export function sanitizeMarkdown(md: string): string {
  const html = markdown.parse(md, { async: false });
  const clean = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|\/|#)/i,
  });
  // Links: new tab, no opener, no referrer (done on the parsed fragment, not by string edits).
  const tpl = document.createElement('template');
  tpl.innerHTML = clean;
  for (const a of tpl.content.querySelectorAll('a')) {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
  }
  return tpl.innerHTML;
}

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => sanitizeMarkdown(text), [text]);
  // The only HTML the UI ever injects: sanitized above, from a dashboard's own text.
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
