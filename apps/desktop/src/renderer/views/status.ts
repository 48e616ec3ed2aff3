// The status strip: dataset download progress, run state, epoch/batch progress, examples per second, learning rate,
// and the headline numbers (validation and test accuracy). Text and <progress> only; no canvas.
import { el, fmtBytes, fmtCount, pct } from '../dom.js';
import { lossName } from '../draw/curves.js';
import type { AppState, Store } from '../store.js';

const STATE_LABEL: Record<AppState['run'], string> = {
  idle: 'Load the dataset to begin',
  ready: 'Ready',
  running: 'Training',
  paused: 'Paused',
  stopped: 'Stopped',
  done: 'Done',
};

/** The dataset cell's text and bar (0..1) for the dataset's state. */
export function datasetLine(d: AppState['dataset']): { text: string; value: number } {
  const files = Object.values(d.files);
  if (d.status === 'loading') {
    const done = files.reduce((a, f) => a + f.done, 0);
    const total = files.reduce((a, f) => a + (f.total ?? f.done), 0);
    const waiting = files.find((f) => f.waitingFor !== undefined);
    // Another window or process is fetching the same files into the same folder: say so, rather than look stuck.
    if (waiting) return { text: `Waiting for another download of the same files (${waiting.waitingFor}) to finish…`, value: total ? done / total : 0 };
    if (files.length === 4 && done >= total) return { text: 'Unpacking…', value: 1 };
    return { text: files.length ? `Fetching ${files.length}/4 files · ${fmtBytes(done)}${total ? ` of ${fmtBytes(total)}` : ''}` : 'Fetching…', value: total ? done / total : 0 };
  }
  if (d.status === 'ready') return { text: `MNIST · ${fmtCount(d.train)} train · ${fmtCount(d.test)} test`, value: 1 };
  return { text: d.status === 'error' ? 'Could not load' : 'Not loaded', value: 0 };
}

/** The run cell's text: where the run is, and which epoch's weights early stopping keeps. */
export function progressLine(p: NonNullable<AppState['progress']>): string {
  const at = `epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches}`;
  if (p.keptEpoch === null) return at;
  if (p.stoppedEarly) return `stopped early after epoch ${p.epoch}/${p.epochs} · kept epoch ${p.keptEpoch}’s weights`;
  return `${at} · best so far: epoch ${p.keptEpoch}`;
}

export function mountStatus(root: HTMLElement, store: Store): void {
  const dataText = el('span', { id: 'dataset-status' });
  const dataBar = el('progress', { id: 'dataset-progress', max: 1, value: 0 });
  const stateText = el('strong', { id: 'run-state' });
  const epochText = el('span', { id: 'epoch-progress' });
  const epochBar = el('progress', { id: 'batch-progress', max: 1, value: 0 });
  const rate = el('span', { id: 'rate' });
  const lr = el('span', { id: 'current-lr' });
  const threads = el('span', { id: 'threads', title: 'Training threads: two where the page is cross-origin isolated and the machine has two cores (same results, faster)' });
  const metric = (id: string, label: string) => {
    const v = el('span', { id, class: 'value' }, '—');
    const l = el('span', { class: 'label', id: `${id}-label` }, label);
    return [el('div', { class: 'metric' }, l, v), v, l] as const;
  };
  const [validBox, valid] = metric('valid-acc', 'Validation accuracy');
  const [testBox, test] = metric('test-acc', 'Test accuracy');
  const [lossBox, loss, lossLabel] = metric('valid-loss', 'Validation loss');
  const fingerprint = el('span', { id: 'fingerprint', class: 'fingerprint', title: 'CRC-32 of the predictions on the 10,000 test images: equal fingerprints, same predictions' });
  const message = el('p', { id: 'message', role: 'status' });

  root.append(
    el(
      'div',
      { class: 'status-row' },
      el('div', { class: 'status-cell' }, el('span', { class: 'label' }, 'Dataset'), dataText, dataBar),
      el('div', { class: 'status-cell run' }, el('span', { class: 'label' }, 'Run'), el('span', {}, stateText, ' ', epochText), epochBar),
      el('div', { class: 'status-cell small' }, el('span', { class: 'label' }, 'Speed'), rate, lr, threads),
      validBox,
      testBox,
      lossBox,
    ),
    el('div', { class: 'status-row thin' }, message, fingerprint),
  );

  store.subscribe((s, changed) => {
    if (changed.has('dataset')) {
      const d = s.dataset;
      const line = datasetLine(d);
      dataText.textContent = line.text;
      dataBar.max = 1;
      dataBar.value = line.value;
      if (d.status === 'ready') dataText.title = d.origin;
      dataText.dataset.status = d.status;
    }
    if (changed.has('run') || changed.has('progress') || changed.has('model')) {
      // An opened model was never trained here: it is not "Stopped".
      stateText.textContent = s.model?.source === 'loaded' && (s.run === 'stopped' || s.run === 'idle') ? 'Opened model' : STATE_LABEL[s.run];
      stateText.dataset.state = s.run;
      const p = s.progress;
      epochText.textContent = p ? progressLine(p) : '';
      epochBar.value = p ? Math.min(1, (p.epoch - 1 + p.batch / p.batches) / p.epochs) : 0;
      rate.textContent = p && s.run === 'running' ? `${fmtCount(p.examplesPerSecond)} examples/s` : '—';
      lr.textContent = p ? `lr ${Number(p.lr.toPrecision(3))}` : '';
    }
    if (changed.has('threads')) threads.textContent = `${s.threads} thread${s.threads === 1 ? '' : 's'}`;
    // The loss is named: an MSE of 0.2 and a cross-entropy of 0.2 are different things.
    if (changed.has('settings')) lossLabel.textContent = `Validation loss (${lossName(s.settings.train.loss)})`;
    if (changed.has('evaluation') || changed.has('history')) {
      const last = s.history.at(-1);
      const e = s.evaluation;
      valid.textContent = pct(e?.validationAccuracy ?? last?.validationAccuracy);
      loss.textContent = (e?.validationLoss ?? last?.validationLoss)?.toFixed(4) ?? '—';
      test.textContent = pct(e?.testAccuracy);
      fingerprint.textContent = e ? `test predictions #${e.fingerprint}` : '';
    }
    if (changed.has('message')) {
      message.textContent = s.message?.text ?? '';
      message.className = s.message?.kind === 'error' ? 'error' : '';
    }
  });
}
