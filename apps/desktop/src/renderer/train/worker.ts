// The training worker's entry: one TrainingSession fed by messages from the UI thread. Keeps training off the UI thread.
import type { ToWorker } from './protocol.js';
import { TrainingSession } from './session.js';
import { threadHost, threadsFor } from './threads.js';

const session = new TrainingSession((message, transfer) => postMessage(message, { transfer: transfer ?? [] }), undefined, threadsFor(threadHost()));
addEventListener('message', (e: MessageEvent<ToWorker>) => {
  void session.handle(e.data);
});
