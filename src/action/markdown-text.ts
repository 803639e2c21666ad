/**
 * What tokf or the user recorded (commands, filter names, error texts) shown in the job summary and
 * the pull-request comment as the literal text it is. GitHub renders both as GitHub-flavoured
 * Markdown and then runs its own filters over the text: without this, a filter named
 * `evil/@octocat` would notify that user from every pull request, `#42` would cross-reference an
 * issue, a URL would become a link and `</details>` would close an element of the page.
 */

const MAX_CELL = 80;

/**
 * A zero-width space, written as the entity (visible in the raw Markdown, decoded to U+200B in
 * the page). GitHub finds mentions (`@name`), issue references (`#12`, `GH-12`, `owner/repo#12`),
 * autolinks (`http://…`, `www.…`, `a@b.example`) and emoji shortcodes (`:smile:`) by patterns
 * over the text after the Markdown is rendered, so an entity for `@` itself would be decoded
 * first and still match; a character between the sign and the name breaks each pattern, and
 * reads and copies as the same text. (Renovate and Dependabot neutralise mentions this way.)
 */
const BREAK = '\u200B';

/**
 * Breaks each pattern GitHub turns into a mention, a reference, a link or an emoji, on the text as
 * recorded (before Markdown escaping, which would hide `:white_check_mark:` as
 * `:white\_check\_mark:` from a pattern here but not from GitHub's, which sees it unescaped).
 */
function breakAutolinks(value: string): string {
  return (
    value
      .replace(/@/g, `@${BREAK}`)
      .replace(/#(?=\d)/g, `#${BREAK}`)
      .replace(/\b(GH-)(?=\d)/gi, `$1${BREAK}`)
      .replace(/:(?=\/\/)/g, `:${BREAK}`)
      .replace(/\b(www)\./gi, `$1${BREAK}.`)
      // A shortcode is `:name:`; two digits between colons are a clock time (10:22:13), and no
      // emoji is named so.
      .replace(/:(?=(?!\d\d:)[\w+-]+:)/g, `:${BREAK}`)
  );
}

/**
 * Markdown-safe text: the autolink patterns broken (above), HTML's special characters as entities,
 * the Markdown punctuation that can start emphasis, code, links or table cells backslash-escaped,
 * `$` (GitHub's inline maths) in a span as GitHub documents for a literal one, line breaks folded.
 * (Characters that matter only at the start of a line never start one here: every value follows
 * a label.)
 */
export function text(value: string): string {
  return breakAutolinks(value.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/\$/g, () => '<span>$</span>')
    .replace(new RegExp(BREAK, 'g'), '&#8203;');
}

/** A table cell: shortened, then escaped. */
export function cell(value: string): string {
  const short = value.length > MAX_CELL ? `${value.slice(0, MAX_CELL - 1)}…` : value;
  return text(short);
}
