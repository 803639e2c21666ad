/**
 * Where an option's text starts, and how wide the help is, for `sync --help` and `replay --help`:
 * the layout of the hand-written help they replaced, which terminals of 100 columns show unbroken.
 */
const COLUMN = 30;
const WIDTH = 100;

/** A flag and its text; a flag too long for the column gets a line of its own. */
export function option(label: string, text: string): string[] {
  const indent = ' '.repeat(COLUMN);
  const lines = wrap(text, WIDTH - COLUMN).map((line) => indent + line);
  const head = `  ${label}`;
  if (head.length + 2 > COLUMN) return [head, ...lines];
  return [head.padEnd(COLUMN) + lines[0]!.trimStart(), ...lines.slice(1)];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
