import { describe, expect, it } from 'vitest';
import { renderDetail } from '../../src/review/markdown.js';

describe('renderDetail (card detail markdown for the review page)', () => {
  it('renders the markdown cards use: bold, lists, code', () => {
    const html = renderDetail('**Facts behind this card**\n\n- Ki-67: 80 % — 2026-10-14 (`DiagnosticReport/x`)');
    expect(html).toContain('<strong>Facts behind this card</strong>');
    expect(html).toContain('<li>Ki-67: 80 % — 2026-10-14 (<code>DiagnosticReport/x</code>)</li>');
  });

  it('shows a <script> in the markdown as text, never as an element', () => {
    const html = renderDetail('Before <script>alert("x")</script> after\n\n<img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('drops javascript: and data: links but keeps https links, opened without an opener', () => {
    const html = renderDetail('[bad](javascript:alert(1)) [worse](data:text/html;base64,PHNjcmlwdD4=) [trial](https://clinicaltrials.gov/search?cond=x)');
    expect(html).not.toMatch(/href="(javascript|data):/);
    expect(html).toContain('[bad](javascript:alert(1))');
    expect(html).toContain('<a href="https://clinicaltrials.gov/search?cond=x" target="_blank" rel="noopener noreferrer">trial</a>');
  });

  it('turns a bare https URL into a link', () => {
    expect(renderDetail('See https://www.nccn.org/guidelines')).toContain('<a href="https://www.nccn.org/guidelines"');
  });
});
