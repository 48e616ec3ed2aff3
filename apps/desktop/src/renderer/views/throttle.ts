// Redraw at most every `ms` milliseconds, always finishing with the latest state: a request during the quiet period
// schedules one trailing draw; an urgent request (an epoch ended, the run stopped) draws at once.

export function throttle(draw: () => void, ms: number): (urgent?: boolean) => void {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    last = performance.now();
    draw();
  };
  return (urgent = false) => {
    const wait = ms - (performance.now() - last);
    if (urgent || wait <= 0) run();
    else timer ??= setTimeout(run, wait);
  };
}
