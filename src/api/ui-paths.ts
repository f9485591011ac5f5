/**
 * The UI's page paths (the web app's router, web/src/app/routes.ts, uses the same list): the
 * server answers each with the UI's index.html, so a reload or a shared link on any page works.
 * `:name` matches one path segment. Shared with the browser code: no imports here.
 */
export const UI_PATHS = [
  '/',
  '/login',
  '/overview',
  '/overview/:instance',
  '/targets',
  '/explore',
  '/logs',
  '/dashboards',
  '/dashboards/:id',
  '/account',
  '/settings',
  '/settings/:section',
  '/alerts',
  '/alerts/:section',
  '/health',
  '/health/:section',
  '/health/checks/:name',
  '/health/services/:name',
] as const;

export type UiPath = (typeof UI_PATHS)[number];
