import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A page loaded on first use (its own chunk: the editor and charts stay out of the login
 * page's download).
 */
export function lazyPage<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
): ComponentType<P> {
  let cached: ComponentType<P> | undefined;
  return function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | undefined>(() => cached);
    const [error, setError] = useState<string>();
    useEffect(() => {
      if (cached) return;
      load().then(
        (m) => {
          cached = m.default;
          setC(() => m.default);
        },
        (err: unknown) => setError(String(err)),
      );
    }, []);
    if (error) return <p class="error">Cannot load this page: {error}</p>;
    if (!C) return <p class="muted">Loading…</p>;
    return <C {...props} />;
  };
}
