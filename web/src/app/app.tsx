import { useEffect } from 'preact/hooks';
import { Redirect, Route, Switch, useLocation } from 'wouter-preact';
import { LoginPage } from '../pages/login.js';
import { PAGES } from './pages.js';
import { SessionProvider, useSession } from './session.js';
import { Shell } from './shell.js';

/** Where to go after logging in: a same-site path from `?next=` (never another origin). */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next') ?? '';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/overview';
}

function Routes() {
  const { principal } = useSession();
  const [location, navigate] = useLocation();
  useEffect(() => {
    // `/settings/:section` matches `/settings/users` (one path segment per parameter).
    const page = PAGES.find((p) =>
      new RegExp(`^${p.path.replace(/:[a-z]+/gi, '[^/]+')}$`).test(location),
    );
    document.title = page ? `${page.title} · Argus` : 'Argus';
  }, [location]);
  if (principal === undefined) return <p class="muted center">Loading…</p>;
  if (principal === null) {
    if (location !== '/login') {
      const next =
        location === '/' ? '' : `?next=${encodeURIComponent(location + window.location.search)}`;
      navigate(`/login${next}`, { replace: true });
    }
    return <LoginPage />;
  }
  return (
    <Shell>
      <Switch>
        <Route path="/">
          <Redirect to="/overview" replace />
        </Route>
        <Route path="/login">
          <Redirect to={nextPath()} replace />
        </Route>
        {PAGES.map((p) => (
          <Route key={p.path} path={p.path} component={p.component} />
        ))}
        <Route>
          <p>No such page.</p>
        </Route>
      </Switch>
    </Shell>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}
