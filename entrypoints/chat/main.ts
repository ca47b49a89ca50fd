import { mountView } from '../../components/mount-view.ts';
import App from './App.svelte';

void mountView(App, 'page');
