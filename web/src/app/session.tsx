import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { ApiError, call, onUnauthenticated, setCsrfToken } from '../api/client.js';
import type { Principal } from '../api/types.js';

export interface Session {
  /** null: not logged in (the login page shows); undefined: still checking. */
  principal: Principal | null | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Re-reads /me (after a tenant or password change). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (s === null) throw new Error('useSession outside <SessionProvider>');
  return s;
}

/** Holds who is logged in; any 401 from the API logs the UI out (session expired or revoked). */
export function SessionProvider({ children }: { children: preact.ComponentChildren }) {
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);

  const adopt = (p: Principal | null) => {
    setCsrfToken(p?.csrf_token);
    setPrincipal(p);
  };
  const refresh = async () => {
    try {
      adopt((await call<Principal>('GET', '/api/argus/v1/me')).data);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) adopt(null);
      else throw err;
    }
  };
  useEffect(() => {
    const off = onUnauthenticated(() => adopt(null));
    refresh().catch(() => adopt(null));
    return off;
  }, []);

  const session: Session = {
    principal,
    refresh,
    async login(username, password) {
      const r = await call<Principal>('POST', '/api/argus/v1/login', {
        body: { username, password },
      });
      adopt(r.data);
      await refresh();
    },
    async logout() {
      try {
        await call('POST', '/api/argus/v1/logout');
      } finally {
        adopt(null);
      }
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
