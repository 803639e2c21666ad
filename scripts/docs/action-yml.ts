/** One input or output of action.yml. */
export interface ActionField {
  name: string;
  description: string;
  /** Inputs only; absent when action.yml gives none. */
  default?: string;
}

export interface ActionYml {
  inputs: ActionField[];
  outputs: ActionField[];
}

type Entries = Map<string, Map<string, string>>;

/**
 * Reads the inputs and outputs of action.yml. The project has no YAML library, and action.yml uses
 * a small part of YAML: two-level maps of plain, quoted or folded (`>-`) scalars. Anything else in
 * those two sections is an error, so that a new construct is noticed rather than misread.
 */
export function readActionYml(text: string): ActionYml {
  const sections = new Map<string, Entries>();
  const lines = text.split('\n');
  let section: Entries | undefined;
  let entry: Map<string, string> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const top = /^([A-Za-z][\w-]*):/.exec(line);
    if (top !== null) {
      section = top[1] === 'inputs' || top[1] === 'outputs' ? new Map() : undefined;
      if (section !== undefined) sections.set(top[1]!, section);
      entry = undefined;
      continue;
    }
    if (section === undefined) continue;
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line)?.[1];
    if (name !== undefined) {
      entry = new Map();
      section.set(name, entry);
      continue;
    }
    const key = /^ {4}([a-z-]+): *(.*)$/.exec(line);
    if (key === null || entry === undefined) throw new Error(`action.yml:${i + 1}: not understood`);
    if (key[2] === '>-') {
      const folded: string[] = [];
      while (/^ {6}\S/.test(lines[i + 1] ?? '')) folded.push(lines[++i]!.trim());
      entry.set(key[1]!, folded.join(' '));
    } else {
      entry.set(key[1]!, scalar(key[2]!, i + 1));
    }
  }
  return { inputs: fields(sections.get('inputs')), outputs: fields(sections.get('outputs')) };
}

function fields(entries: Entries | undefined): ActionField[] {
  return [...(entries ?? [])].map(([name, entry]) => {
    const description = entry.get('description');
    if (description === undefined) throw new Error(`action.yml: ${name} has no description`);
    const value = entry.get('default');
    return { name, description, ...(value !== undefined && { default: value }) };
  });
}

function scalar(raw: string, line: number): string {
  const text = raw.trim();
  if (/^'.*'$/.test(text)) return text.slice(1, -1).replaceAll("''", "'");
  if (/^"[^"\\]*"$/.test(text)) return text.slice(1, -1);
  if (/^[|>&*!%@`"'[{]/.test(text))
    throw new Error(`action.yml:${line}: unsupported value ${text}`);
  return text;
}
