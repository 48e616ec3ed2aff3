import { describe, expect, it } from 'vitest';
import { threadsFor } from './threads.js';

const host = { isolated: true, sharedMemory: true, cores: 2, helper: true };

describe('threadsFor', () => {
  it('uses two threads only when isolated, with shared memory, two cores and the core’s helper', () => {
    expect(threadsFor(host)).toBe(2);
    expect(threadsFor({ ...host, cores: 16 })).toBe(2);
    expect(threadsFor({ ...host, isolated: false })).toBe(1);
    expect(threadsFor({ ...host, isolated: undefined })).toBe(1);
    expect(threadsFor({ ...host, sharedMemory: false })).toBe(1);
    expect(threadsFor({ ...host, cores: 1 })).toBe(1);
    expect(threadsFor({ ...host, cores: undefined })).toBe(1);
    expect(threadsFor({ ...host, helper: false })).toBe(1);
  });
});
