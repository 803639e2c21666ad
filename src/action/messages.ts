/** An error's message, for warnings and notes. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
