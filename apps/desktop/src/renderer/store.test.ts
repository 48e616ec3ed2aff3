import { describe, expect, it } from 'vitest';
import { initialState } from './app.js';
import { type Key, Store } from './store.js';

describe('Store', () => {
  it('batches changes into one notification per frame, naming the keys that changed', () => {
    const frames: (() => void)[] = [];
    const store = new Store(initialState(), (f) => frames.push(f));
    const calls: Key[][] = [];
    store.subscribe((_s, changed) => calls.push([...changed]));
    expect(calls).toHaveLength(1); // the initial render sees every key
    store.set({ run: 'running' });
    store.set({ selectedUnit: 3 });
    store.state.batches.x.push(1);
    store.touch('batches');
    expect(frames).toHaveLength(1);
    frames[0]!();
    expect(calls[1]!.sort()).toEqual(['batches', 'run', 'selectedUnit']);
    expect(store.state.selectedUnit).toBe(3);
    store.set({ tab: 'model' });
    expect(frames).toHaveLength(2);
  });
});
