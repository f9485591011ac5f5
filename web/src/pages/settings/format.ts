/** How access pages show times (the API gives Unix milliseconds). */
export function formatTime(ms: number | null | undefined, never = '—'): string {
  if (ms === null || ms === undefined) return never;
  return new Date(ms).toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The error of a failed call as the user should read it (the API's own message). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
