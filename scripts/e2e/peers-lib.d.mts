export const REPO_ROOT: string;
export const E2E_DIR: string;
export const PEERS_FILE: string;
export function cacheRoot(): string;
export interface Peer {
  name: string;
  spec: Record<string, unknown>;
  version: string;
  dir: string;
  bins: Record<string, string>;
}
export function readPeers(root?: string): Peer[];
export function isExecutable(file: string): boolean;
export function isBuilt(peer: Peer): boolean;
export function findPeers(root?: string): {
  bins: Record<string, string>;
  missing: string[];
  peers: Peer[];
};
