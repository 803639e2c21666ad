import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Where tokf keeps its tracking database, by tokf's own rules: `TOKF_DB_PATH` wins over
 * `TOKF_HOME` (`$TOKF_HOME/tracking.db`), which wins over the platform's local data directory
 * (on Linux `$XDG_DATA_HOME/tokf/tracking.db`, else `~/.local/share/tokf/tracking.db`).
 */
export function defaultTokfDbPath(
  env: NodeJS.ProcessEnv,
  home: string = homedir(),
  platform: NodeJS.Platform = process.platform,
): string {
  if (nonEmpty(env.TOKF_DB_PATH)) return env.TOKF_DB_PATH;
  if (nonEmpty(env.TOKF_HOME)) return join(env.TOKF_HOME, 'tracking.db');
  return join(localDataDir(env, home, platform), 'tokf', 'tracking.db');
}

// The `dirs` crate's data_local_dir, which tokf uses; it ignores a relative XDG_DATA_HOME.
function localDataDir(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  if (platform === 'win32' && nonEmpty(env.LOCALAPPDATA)) return env.LOCALAPPDATA;
  if (nonEmpty(env.XDG_DATA_HOME) && isAbsolute(env.XDG_DATA_HOME)) return env.XDG_DATA_HOME;
  return join(home, '.local', 'share');
}

/**
 * The directory tokf reads its `config.toml` from (tokf's user directory): `$TOKF_HOME` when set,
 * else the platform's configuration directory with `tokf` appended (the `dirs` crate's
 * config_dir: on Linux `$XDG_CONFIG_HOME`, if absolute, else `~/.config`; on macOS
 * `~/Library/Application Support`; on Windows the roaming `%APPDATA%`).
 */
export function tokfConfigDir(
  env: NodeJS.ProcessEnv,
  home: string = homeOf(env),
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (nonEmpty(env.TOKF_HOME)) return env.TOKF_HOME;
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'tokf');
  if (platform === 'win32') return nonEmpty(env.APPDATA) ? join(env.APPDATA, 'tokf') : undefined;
  if (nonEmpty(env.XDG_CONFIG_HOME) && isAbsolute(env.XDG_CONFIG_HOME))
    return join(env.XDG_CONFIG_HOME, 'tokf');
  return join(home, '.config', 'tokf');
}

/** The home directory as the `dirs` crate finds it on Unix: `$HOME`, else the user's entry. */
function homeOf(env: NodeJS.ProcessEnv): string {
  return process.platform !== 'win32' && nonEmpty(env.HOME) ? env.HOME : homedir();
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}
