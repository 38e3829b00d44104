// Runs a long-lived component until SIGTERM/SIGINT, then stops it gracefully (bounded).
import { createLogger } from '@stance/shared/log/index';

export interface Stoppable {
  stop(): Promise<void>;
}

export function stopOnSignal(component: Stoppable, name: string, graceMs = 15_000): void {
  const log = createLogger('cli');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${name} shutting down`);
    const force = setTimeout(() => {
      log.error({ graceMs }, `${name} did not stop in time; exiting`);
      process.exit(1);
    }, graceMs);
    force.unref();
    component.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, `${name} failed to stop cleanly`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
