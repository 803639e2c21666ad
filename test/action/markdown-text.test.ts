import { cell, text } from '../../src/action/markdown-text.js';

/**
 * The text a reader sees, as GitHub's filters see it after rendering the Markdown: backslash
 * escapes undone, entities decoded, the spans around `$` gone.
 */
function seen(markdown: string): string {
  return markdown
    .replace(/<span>\$<\/span>/g, '$')
    .replace(/\\([\\`*_[\]|~])/g, '$1')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

// The patterns GitHub's filters turn into notifications, cross-references, links and pictures,
// matched over the rendered text.
const PATTERNS: [string, RegExp][] = [
  ['mention', /(?:^|\W)@[a-z0-9][a-z0-9-]*/i],
  ['issue reference', /(?:^|[^\w])#\d+|\bGH-\d+|[\w.-]+\/[\w.-]+#\d+/i],
  ['URL autolink', /\b[a-z][a-z0-9+.-]*:\/\/|\bwww\./i],
  ['email autolink', /[\w.+-]+@[\w-]+\.[\w.-]+/],
  ['emoji shortcode', /:(?!\d\d:)[\w+-]+:/],
];

describe('recorded text in the summary and the comment', () => {
  it.each([
    'evil/@octocat',
    '#42',
    '</details><script>alert(1)</script>',
    'git push && notify @someone about #123 and org/repo#7, GH-9',
    'curl https://example.com/x?a=1 or www.example.org, mail ops@example.com',
    'echo :smile: :white_check_mark: :+1: :100:',
    'echo $HOME/$PATH',
    '*a* [l](u) `c` | _b_ ~s~ \\ !',
  ])('shows %j as the literal text it is', (value) => {
    const md = text(value);
    expect(seen(md).replace(/\u200B/g, '')).toBe(value);
    for (const [what, pattern] of PATTERNS) {
      expect([what, pattern.test(seen(md))]).toEqual([what, false]);
    }
    // Nothing of it is Markdown, HTML or maths left for the renderer to read as such.
    const outsideSpans = md.replace(/<span>\$<\/span>/g, '');
    expect(outsideSpans).not.toMatch(/[<>$]|(?<!\\)[*_`[\]|~]/);
  });

  it('keeps clock times and plain words as they are', () => {
    expect(text('2026-03-05T10:22:13Z')).toBe('2026-03-05T10:22:13Z');
    expect(text('cargo test --release')).toBe('cargo test --release');
  });

  it('escapes HTML as entities and Markdown punctuation with backslashes', () => {
    expect(text('<script>&"x"</script> *a* [l](u) `c` | _b_ ~s~')).toBe(
      '&lt;script&gt;&amp;&quot;x&quot;&lt;/script&gt; \\*a\\* \\[l\\](u) \\`c\\` \\| \\_b\\_ \\~s\\~',
    );
  });

  it('folds line breaks and shortens table cells before escaping', () => {
    expect(text('two\nlines')).toBe('two lines');
    expect(cell('y'.repeat(200))).toHaveLength(80);
    expect(seen(cell(`@${'y'.repeat(200)}`)).replace(/\u200B/g, '')).toHaveLength(80);
  });
});
