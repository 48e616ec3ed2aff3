// Registers main's handlers through the typed contract: checks the sender, validates arguments, and turns every
// failure into an { ok: false, error } reply, so a bad call gets a message and never crashes main.
import { CHANNELS, type Channel, type IpcContract, type IpcEvents, type IpcReply } from '../shared/api.js';
import type { Validators } from './validate.js';

/** What a handler may do besides answering: send events back to the window that asked. */
export interface CallContext {
  emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]): void;
}

export type Handlers = { [K in Channel]: (ctx: CallContext, ...args: IpcContract[K]['args']) => Promise<IpcContract[K]['result']> };

/** The slice of Electron's IpcMainInvokeEvent used here. */
export interface InvokeEvent {
  senderFrame: { url: string } | null;
  sender: { send(channel: string, payload: unknown): void; isDestroyed?(): boolean };
}

/** The slice of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

export function errorMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 2000 ? `${m.slice(0, 2000)}…` : m;
}

/** One channel's full path: sender check, validation, the handler, and the reply envelope. */
export async function dispatch<K extends Channel>(
  channel: K,
  event: InvokeEvent,
  args: unknown[],
  handlers: Handlers,
  validators: Validators,
  isTrustedSender: (url: string) => boolean,
): Promise<IpcReply<IpcContract[K]['result']>> {
  try {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedSender(url)) throw new Error(`${channel}: refused a call from ${url || 'an unknown frame'}`);
    const checked = validators[channel](args) as IpcContract[K]['args'];
    const ctx: CallContext = {
      emit: (name, payload) => {
        if (!event.sender.isDestroyed?.()) event.sender.send(name, payload);
      },
    };
    const handler = handlers[channel] as (ctx: CallContext, ...a: IpcContract[K]['args']) => Promise<IpcContract[K]['result']>;
    return { ok: true, value: await handler(ctx, ...checked) };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}

export function registerHandlers(ipc: IpcMainLike, handlers: Handlers, validators: Validators, isTrustedSender: (url: string) => boolean): void {
  for (const channel of CHANNELS) {
    ipc.handle(channel, (event, ...args) => dispatch(channel, event, args, handlers, validators, isTrustedSender));
  }
}
