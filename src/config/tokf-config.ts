import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokfConfigDir } from './tokf-paths.js';
import { parseToml, tomlString, type TomlTable } from './tokf-toml.js';

/**
 * The variable that turns tokf's live export on or off, over `enabled` in its config.toml
 * (tokf 0.2.54, telemetry::config::load): on for `true`, `1` or `yes` in any case, off for any
 * other value, empty included. Only `tokf --otel-export` still turns it on.
 */
export const TOKF_TELEMETRY_ENABLED = 'TOKF_TELEMETRY_ENABLED';

/** The service.name tokf's live export sends when nothing sets another. */
export const TOKF_SERVICE_NAME = 'tokf';

/** A service name and, in words, what it was taken from. */
export interface NamedSource {
  name: string;
  from: string;
}

/**
 * The `service.name` tokf 0.2.54's live export sends (`telemetry::config::load`): the first
 * `service.name` item of `OTEL_RESOURCE_ATTRIBUTES`, as written (not percent-decoded), else
 * `service_name` of the `[telemetry]` table in tokf's `config.toml`, else `tokf`.
 * `OTEL_SERVICE_NAME` is not read.
 */
export function tokfServiceName(
  env: NodeJS.ProcessEnv,
  configDir: string | undefined = tokfConfigDir(env),
): NamedSource {
  const attributes = env.OTEL_RESOURCE_ATTRIBUTES;
  const fromAttributes = attributes === undefined ? undefined : serviceNameAsTokfReads(attributes);
  if (fromAttributes !== undefined) {
    return {
      name: fromAttributes,
      from: 'service.name in OTEL_RESOURCE_ATTRIBUTES, as tokf reads it',
    };
  }
  const file = configDir === undefined ? undefined : join(configDir, 'config.toml');
  const config = file === undefined ? undefined : readTokfConfig(file);
  const fromFile =
    config === undefined ? undefined : tomlString(config, ['telemetry', 'service_name']);
  if (fromFile !== undefined) {
    return { name: fromFile, from: `service_name in [telemetry] of tokf's ${file}` };
  }
  return { name: TOKF_SERVICE_NAME, from: "tokf's default" };
}

/**
 * tokf's reading of `OTEL_RESOURCE_ATTRIBUTES`: items split at commas, each at its first `=`, key
 * and value trimmed of whitespace; the first item whose key is `service.name` gives the value as
 * written, even empty. Items without `=` are passed over.
 */
export function serviceNameAsTokfReads(attributes: string): string | undefined {
  for (const item of attributes.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    if (trimWhitespace(item.slice(0, eq)) === 'service.name') {
      return trimWhitespace(item.slice(eq + 1));
    }
  }
  return undefined;
}

/**
 * tokf's `config.toml`, parsed; undefined when it is missing, unreadable, not UTF-8 or not TOML,
 * all of which make tokf go on without it.
 */
export function readTokfConfig(file: string): TomlTable | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(file));
  } catch {
    return undefined;
  }
  return parseToml(text);
}

// Rust's str::trim: Unicode White_Space, which (unlike String.prototype.trim) leaves U+FEFF.
function trimWhitespace(text: string): string {
  return text.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
}
