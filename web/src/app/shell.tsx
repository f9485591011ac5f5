import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { applyTheme, savedTheme, type ThemeChoice } from './theme.js';
import { PAGES } from './pages.js';
import { useSession } from './session.js';

function isAdmin(p: { system_admin: boolean; permissions: string[] }): boolean {
  return p.system_admin || p.permissions.includes('admin');
}

/**
 * The frame of every page: a top bar (menu button on phones, tenant, user menu) and the
 * navigation, which is a sidebar on wide screens and a drawer on narrow ones.
 */
export function Shell({ children }: { children: ComponentChildren }) {
  const { principal, logout } = useSession();
  const [location] = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const [theme, setTheme] = useState<ThemeChoice>(savedTheme());
  useEffect(() => {
    setNavOpen(false);
    setMenuOpen(false);
  }, [location]);
  // Escape closes the menu and the drawer; a click elsewhere closes the menu.
  useEffect(() => {
    if (!menuOpen && !navOpen) return;
    const key = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      if (menuOpen) (document.querySelector('.user-button') as HTMLElement | null)?.focus();
      else (document.querySelector('.nav-toggle') as HTMLElement | null)?.focus();
      setMenuOpen(false);
      setNavOpen(false);
    };
    const away = (e: Event) => {
      if (menuOpen && !(e.target as Element).closest('.user-menu')) setMenuOpen(false);
    };
    document.addEventListener('keydown', key);
    document.addEventListener('pointerdown', away);
    return () => {
      document.removeEventListener('keydown', key);
      document.removeEventListener('pointerdown', away);
    };
  }, [menuOpen, navOpen]);
  // An opened menu takes the focus on its first item (the WAI-ARIA menu button pattern), so
  // the arrow keys work at once.
  useEffect(() => {
    if (menuOpen) document.querySelector<HTMLElement>('.user-menu [role^="menuitem"]')?.focus();
  }, [menuOpen]);
  if (!principal) return null;
  const nav = PAGES.filter((p) => p.nav && (p.needs !== 'admin' || isAdmin(principal)));
  const chooseTheme = (t: ThemeChoice) => {
    setTheme(t);
    applyTheme(t);
  };
  return (
    <div class={`shell${navOpen ? ' nav-open' : ''}`}>
      <header class="topbar">
        <button
          class="icon-button nav-toggle"
          aria-label="Menu"
          aria-expanded={navOpen}
          onClick={() => setNavOpen(!navOpen)}
        >
          ☰
        </button>
        <Link href="/overview" class="brand">
          Argus
        </Link>
        <span class="tenant" title="Tenant">
          {principal.tenant}
        </span>
        <div class="spacer" />
        <div class="user-menu">
          <button
            class="user-button"
            aria-haspopup="menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen(!menuOpen)}
            onKeyDown={(e) => {
              if (e.key !== 'ArrowDown' || menuOpen) return;
              e.preventDefault();
              setMenuOpen(true);
            }}
          >
            {principal.username} ▾
          </button>
          {menuOpen && (
            <div
              class="menu"
              role="menu"
              // Arrow keys move between the items (Tab works too).
              onKeyDown={(e) => {
                if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
                e.preventDefault();
                const items = [
                  ...e.currentTarget.querySelectorAll<HTMLElement>('[role^="menuitem"]'),
                ];
                const i = items.indexOf(document.activeElement as HTMLElement);
                const next = e.key === 'ArrowDown' ? i + 1 : i - 1;
                items[(next + items.length) % items.length]?.focus();
              }}
            >
              <Link href="/account" role="menuitem">
                Account: password and API tokens
              </Link>
              <div class="menu-group" role="group" aria-label="Theme">
                {(['system', 'light', 'dark'] as const).map((t) => (
                  <button
                    key={t}
                    role="menuitemradio"
                    aria-checked={theme === t}
                    onClick={() => chooseTheme(t)}
                  >
                    {t === 'system' ? 'System theme' : t === 'light' ? 'Light' : 'Dark'}
                  </button>
                ))}
              </div>
              <button role="menuitem" onClick={() => void logout()}>
                Log out
              </button>
            </div>
          )}
        </div>
      </header>
      <nav class="sidebar" aria-label="Main">
        {nav.map((p) => (
          <Link
            key={p.path}
            href={p.path}
            class={location === p.path || location.startsWith(`${p.path}/`) ? 'active' : ''}
          >
            <span class="nav-icon" aria-hidden="true">
              {p.nav!.icon}
            </span>
            {p.nav!.label}
          </Link>
        ))}
      </nav>
      {navOpen && <div class="scrim" onClick={() => setNavOpen(false)} />}
      <main class="content">{children}</main>
    </div>
  );
}
