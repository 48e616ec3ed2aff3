// Renderer entry: picks the API (the preload's window.desktop in Electron, the HTTP/file one in a browser), starts
// the training worker and mounts the app.
import { API_GLOBAL, type DesktopApi } from '../shared/api.js';
import { createBrowserApi } from './api/browser-api.js';
import { startApp } from './app.js';
import './style.css';

const injected = (window as unknown as Record<string, DesktopApi | undefined>)[API_GLOBAL];
const api = injected ?? createBrowserApi();
const worker = new Worker(new URL('./train/worker.ts', import.meta.url), { type: 'module', name: 'training' });
document.documentElement.dataset.api = api.kind;
void startApp(document.getElementById('app')!, api, worker);
