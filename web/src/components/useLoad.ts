import { useCallback, useEffect, useRef, useState } from 'react';

export interface Load<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  cancel(): void;
}

/**
 * Runs `fn` on mount and whenever `deps` change, with an AbortSignal: a newer run (or
 * unmount, or cancel()) aborts the older one, so a slow answer never overwrites a newer one.
 */
export function useLoad<T>(fn: ((signal: AbortSignal) => Promise<T>) | null, deps: unknown[]): Load<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: !!fn });
  const controller = useRef<AbortController | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!fn) {
      setState({ data: undefined, error: null, loading: false });
      return;
    }
    const c = new AbortController();
    controller.current?.abort();
    controller.current = c;
    setState((s) => ({ ...s, loading: true, error: null }));
    fn(c.signal).then(
      (data) => !c.signal.aborted && setState({ data, error: null, loading: false }),
      (error) => !c.signal.aborted && setState({ data: undefined, error, loading: false }),
    );
    return () => c.abort();
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  const cancel = useCallback(() => {
    controller.current?.abort();
    setState((s) => ({ ...s, loading: false }));
  }, []);
  return { ...state, reload, cancel };
}
