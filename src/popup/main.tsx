import { render } from 'preact';
import { setPageLanguage } from '../shared/i18n.js';
import { App } from './App.js';

setPageLanguage();
const root = document.getElementById('app');
if (root) render(<App />, root);
