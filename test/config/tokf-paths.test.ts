import { defaultTokfDbPath } from '../../src/config/tokf-paths.js';

describe('defaultTokfDbPath follows tokf', () => {
  it('prefers TOKF_DB_PATH, then TOKF_HOME, then XDG_DATA_HOME, then ~/.local/share', () => {
    const all = { TOKF_DB_PATH: '/p/db.sqlite', TOKF_HOME: '/th', XDG_DATA_HOME: '/xdg' };
    expect(defaultTokfDbPath(all, '/home/u', 'linux')).toBe('/p/db.sqlite');
    expect(defaultTokfDbPath({ ...all, TOKF_DB_PATH: '' }, '/home/u', 'linux')).toBe(
      '/th/tracking.db',
    );
    expect(defaultTokfDbPath({ XDG_DATA_HOME: '/xdg' }, '/home/u', 'linux')).toBe(
      '/xdg/tokf/tracking.db',
    );
    expect(defaultTokfDbPath({}, '/home/u', 'linux')).toBe('/home/u/.local/share/tokf/tracking.db');
  });

  it('ignores a relative XDG_DATA_HOME, as the dirs crate does', () => {
    expect(defaultTokfDbPath({ XDG_DATA_HOME: 'rel' }, '/home/u', 'linux')).toBe(
      '/home/u/.local/share/tokf/tracking.db',
    );
  });

  it('uses Application Support on macOS', () => {
    expect(defaultTokfDbPath({}, '/Users/u', 'darwin')).toBe(
      '/Users/u/Library/Application Support/tokf/tracking.db',
    );
  });
});
