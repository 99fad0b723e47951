// Synchronous clean-up when the test process ends abnormally (an interrupted or killed jest):
// the control plane and pod processes are not our process group's children to die with us.
const actions = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const a of actions) {
    try {
      a();
    } catch {
      // Best effort: the rest must still run.
    }
  }
  actions.clear();
}

/** Registers a clean-up; the returned function unregisters it (after a normal stop). */
export function onAbnormalExit(action: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const handler = (): void => {
        runAll();
        process.off(signal, handler);
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      process.on(signal, handler);
    }
  }
  actions.add(action);
  return () => void actions.delete(action);
}
