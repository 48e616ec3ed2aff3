// The unsaved-work prompt: whether closing the window (or quitting) needs to ask, what the dialog says, and what the
// answer means. Pure functions of the renderer's reported ShellState; index.ts shows the dialog and acts.
import type { ShellState } from '../shared/api.js';
import { needsPrompt } from '../shared/shell.js';

export type CloseChoice = 'save' | 'discard' | 'cancel';

export interface ClosePrompt {
  type: 'warning';
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
  /** What each button means, in the order of `buttons`. */
  choices: CloseChoice[];
}

/** The dialog for closing (`quitting` false) or quitting with this state, or null when nothing would be lost. */
export function closePrompt(s: ShellState, quitting: boolean): ClosePrompt | null {
  if (!needsPrompt(s)) return null;
  const verb = quitting ? 'Quit' : 'Close';
  const name = s.modelName ?? 'the trained model';
  if (s.running) {
    return {
      type: 'warning',
      message: `A training run is in progress. ${verb} anyway?`,
      detail: `${quitting ? 'Quitting' : 'Closing the window'} stops the run, and ${name} is lost unless you save it first (pause, then Save Model…).`,
      buttons: [`Stop and ${verb}`, 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      choices: ['discard', 'cancel'],
    };
  }
  return {
    type: 'warning',
    message: `Save ${name} before you ${verb.toLowerCase()}?`,
    detail: 'The trained model has not been saved; its weights are lost if you do not save them.',
    buttons: ['Save Model…', "Don't Save", 'Cancel'],
    defaultId: 0,
    cancelId: 2,
    choices: ['save', 'discard', 'cancel'],
  };
}

/** The choice behind a dialog's response (an unknown index, e.g. the dialog dismissed, cancels). */
export function closeChoice(prompt: ClosePrompt, response: number): CloseChoice {
  return prompt.choices[response] ?? 'cancel';
}
