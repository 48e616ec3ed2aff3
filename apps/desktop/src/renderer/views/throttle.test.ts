import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.js';

describe('throttle', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws at once, then at most every interval, always ending with a trailing draw', () => {
    const draw = vi.fn();
    const request = throttle(draw, 250);
    request();
    expect(draw).toHaveBeenCalledTimes(1);
    request();
    request();
    expect(draw).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(249);
    expect(draw).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(draw).toHaveBeenCalledTimes(2); // the trailing draw: the latest state is never left undrawn
    vi.advanceTimersByTime(1000);
    expect(draw).toHaveBeenCalledTimes(2);
  });

  it('draws urgent requests at once and drops the pending trailing draw', () => {
    const draw = vi.fn();
    const request = throttle(draw, 250);
    request();
    request();
    request(true);
    expect(draw).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(draw).toHaveBeenCalledTimes(2);
  });
});
