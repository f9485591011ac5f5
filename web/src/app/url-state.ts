/**
 * Page state kept in the address bar's query string, so a filtered or sorted view can be
 * bookmarked and shared (and survives a reload). Updates replace the history entry: typing in
 * a filter box must not leave one Back step per keystroke.
 */
import { useLocation, useSearch } from 'wouter-preact';

export function useSearchParam<T extends string>(
  key: string,
  fallback: T,
  allowed?: readonly T[],
): [T, (v: T) => void] {
  const search = useSearch();
  const [path, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const raw = params.get(key);
  const value =
    raw === null || (allowed !== undefined && !allowed.includes(raw as T)) ? fallback : (raw as T);
  const set = (v: T) => {
    const next = new URLSearchParams(search);
    if (v === fallback) next.delete(key);
    else next.set(key, v);
    const qs = next.toString();
    navigate(qs ? `${path}?${qs}` : path, { replace: true });
  };
  return [value, set];
}
