import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenQueue, isModelPath, modelPathsFromArgv } from './open-files.js';

describe('modelPathsFromArgv', () => {
  it('reads a packaged app’s argv: everything after the executable', () => {
    expect(modelPathsFromArgv(['/opt/MLP workbench/mlp-workbench', '/home/a/seed.mlp'], '/home/a', false)).toEqual(['/home/a/seed.mlp']);
    expect(modelPathsFromArgv(['C:\\Program Files\\MLP workbench\\MLP workbench.exe', 'run.ckpt'], '/w', false)).toEqual([resolve('/w', 'run.ckpt')]);
  });

  it('skips the app folder of a development run (electron .)', () => {
    expect(modelPathsFromArgv(['/x/electron', '.', 'models/seed.mlp'], '/repo', true)).toEqual([resolve('/repo', 'models/seed.mlp')]);
    expect(modelPathsFromArgv(['/x/electron', 'weird.mlp'], '/repo', true)).toEqual([]);
  });

  it('ignores switches a second start forwards, and files that are not models', () => {
    const argv = ['/app/mlp', '--no-sandbox', '--allow-file-access-from-files', '--original-process-start-time=1', 'notes.txt', 'A.MLP', 'dir/', ''];
    expect(modelPathsFromArgv(argv, '/home/b', false)).toEqual([resolve('/home/b', 'A.MLP')]);
  });

  it('takes paths after -- even when they start with a dash, keeping their order', () => {
    expect(modelPathsFromArgv(['/app/mlp', 'a.mlp', '--', '-odd.mlp', '--x.ckpt'], '/h', false)).toEqual(['/h/a.mlp', '/h/-odd.mlp', '/h/--x.ckpt']);
  });

  it('knows model extensions regardless of case', () => {
    expect(['m.mlp', 'm.MLP', 'c.ckpt'].every(isModelPath)).toBe(true);
    expect(['m.mlp.txt', 'mlp', 'x.onnx'].some(isModelPath)).toBe(false);
  });
});

describe('OpenQueue', () => {
  it('holds paths until ready, delivers them in order without duplicates, then passes new ones straight on', () => {
    const q = new OpenQueue();
    const got: string[] = [];
    q.push('/a.mlp');
    q.push('/b.mlp');
    q.push('/a.mlp');
    expect(got).toEqual([]);
    q.ready((p) => got.push(p));
    expect(got).toEqual(['/a.mlp', '/b.mlp']);
    q.push('/c.mlp');
    expect(got).toEqual(['/a.mlp', '/b.mlp', '/c.mlp']);
  });

  it('holds again while the renderer reloads, and delivers to the new one', () => {
    const q = new OpenQueue();
    const first: string[] = [];
    const second: string[] = [];
    q.ready((p) => first.push(p));
    q.hold();
    q.push('/d.mlp');
    q.ready((p) => second.push(p));
    expect(first).toEqual([]);
    expect(second).toEqual(['/d.mlp']);
  });
});
