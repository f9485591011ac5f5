import { render } from 'preact';
import { App } from './app/app.js';
import { applyTheme, watchSystemTheme } from './app/theme.js';
import './styles/base.css';

applyTheme();
watchSystemTheme();
render(<App />, document.getElementById('app')!);
