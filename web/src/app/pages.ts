/**
 * The UI's pages: path, title, navigation entry, component. Later pages (alerts, checks, logs)
 * add a line here and their path to src/api/ui-paths.ts (the server answers those paths with
 * the UI). The list is the shell's extension point.
 */
import type { ComponentType } from 'preact';
import type { UiPath } from '../api/types.js';
import { lazyPage } from './lazy.js';

export interface PageDef {
  path: UiPath;
  title: string;
  /** Shown in the navigation when set. */
  nav?: { label: string; icon: string };
  /** Only for system admins / tenant admins (hidden from the nav otherwise; the API enforces). */
  needs?: 'admin';
  // Page props are their route params.
  component: ComponentType<{ params: Record<string, string | undefined> }>;
}

export const PAGES: PageDef[] = [
  {
    path: '/overview',
    title: 'Overview',
    nav: { label: 'Overview', icon: '◉' },
    component: lazyPage(() => import('../pages/overview/index.js')),
  },
  {
    path: '/overview/:instance',
    title: 'Host',
    component: lazyPage(() => import('../pages/overview/host.js')),
  },
  {
    path: '/targets',
    title: 'Targets',
    nav: { label: 'Targets', icon: '◎' },
    component: lazyPage(() => import('../pages/targets/index.js')),
  },
  {
    path: '/explore',
    title: 'Explore',
    nav: { label: 'Explore', icon: '⌕' },
    component: lazyPage(() => import('../pages/explore/index.js')),
  },
  {
    path: '/logs',
    title: 'Logs',
    nav: { label: 'Logs', icon: '≡' },
    component: lazyPage(() => import('../pages/logs/index.js')),
  },
  {
    path: '/dashboards',
    title: 'Dashboards',
    nav: { label: 'Dashboards', icon: '▦' },
    component: lazyPage(() => import('../pages/dashboards/index.js')),
  },
  {
    path: '/dashboards/:id',
    title: 'Dashboard',
    component: lazyPage(() => import('../pages/dashboards/view.js')),
  },
  {
    path: '/alerts',
    title: 'Alerts',
    nav: { label: 'Alerts', icon: '⚑' },
    component: lazyPage(() => import('../pages/alerts/index.js')),
  },
  {
    path: '/alerts/:section',
    title: 'Alerts',
    component: lazyPage(() => import('../pages/alerts/index.js')),
  },
  {
    path: '/health',
    title: 'Health',
    nav: { label: 'Health', icon: '♥' },
    component: lazyPage(() => import('../pages/health/index.js')),
  },
  {
    path: '/health/:section',
    title: 'Health',
    component: lazyPage(() => import('../pages/health/index.js')),
  },
  {
    path: '/health/checks/:name',
    title: 'Check',
    component: lazyPage(() => import('../pages/health/check-detail.js')),
  },
  {
    path: '/health/services/:name',
    title: 'Service',
    component: lazyPage(() => import('../pages/health/service-detail.js')),
  },
  {
    path: '/account',
    title: 'Account',
    component: lazyPage(() => import('../pages/account/index.js')),
  },
  {
    path: '/settings',
    title: 'Settings',
    nav: { label: 'Settings', icon: '⚙' },
    needs: 'admin',
    component: lazyPage(() => import('../pages/settings/index.js')),
  },
  {
    path: '/settings/:section',
    title: 'Settings',
    needs: 'admin',
    component: lazyPage(() => import('../pages/settings/index.js')),
  },
];
