import type { RunningContainer } from './runner';

/** SageMaker sends SIGTERM at the limit and SIGKILL 120 s later. */
const GRACE_SECONDS = 120;

/**
 * Enforce a `MaxRuntimeInSeconds` on a running container (scaled by `timeScale`).
 * @example const limit = limitRuntime(container, 3600, 1); await container.exited; limit.clear();
 */
export function limitRuntime(container: RunningContainer, seconds: number | undefined, timeScale: number): { exceeded(): boolean; clear(): void } {
  let exceeded = false;
  let grace: NodeJS.Timeout | undefined;
  const timer =
    seconds === undefined
      ? undefined
      : setTimeout(() => {
          exceeded = true;
          container.kill('SIGTERM');
          grace = setTimeout(() => container.kill('SIGKILL'), GRACE_SECONDS * 1000 * timeScale);
        }, seconds * 1000 * timeScale);
  return {
    exceeded: () => exceeded,
    clear: () => {
      clearTimeout(timer);
      clearTimeout(grace);
    },
  };
}
