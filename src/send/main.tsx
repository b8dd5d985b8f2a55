/** The extension's send page (send.html): the send component in a tab of its own. */
import { render } from 'preact';
import { SendPage } from './SendPage.js';

const root = document.getElementById('app');
if (root) render(<SendPage />, root);
