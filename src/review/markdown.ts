import MarkdownIt from 'markdown-it';

/**
 * Card detail markdown → HTML for the review page. Raw HTML in the markdown is escaped (`html: false`), bare URLs
 * become links, and every link passes markdown-it's own `validateLink` (no `javascript:`, `vbscript:`, `file:` or
 * non-image `data:` URLs). Links open in a new tab without handing it this page (`noopener noreferrer`).
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx];
  if (token) {
    token.attrSet('target', '_blank');
    token.attrSet('rel', 'noopener noreferrer');
  }
  return self.renderToken(tokens, idx, options);
};

/**
 * Renders a card's markdown detail to HTML that is safe to insert into the page.
 * @param markdown - the card's `detail` (CommonMark)
 */
export function renderDetail(markdown: string): string {
  return md.render(markdown);
}
