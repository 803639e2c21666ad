export function currentStamp(root?: string): { inputs: string; outputs: string };
export function writeStamp(root?: string): void;
export function bundleIsFresh(root?: string): boolean;
