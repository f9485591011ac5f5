/**
 * Light and dark themes: the system's by default; a choice made in the user menu is kept in
 * localStorage. The CSS (styles/base.css) keys everything off `html[data-theme]`.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'argus.theme';

export function savedTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function effectiveTheme(choice: ThemeChoice = savedTheme()): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(choice: ThemeChoice = savedTheme()): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  document.documentElement.dataset.theme = effectiveTheme(choice);
  window.dispatchEvent(new Event('argus-theme'));
}

/** Follows the system setting while the choice is "system". */
export function watchSystemTheme(): void {
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (savedTheme() === 'system') applyTheme('system');
  });
}
