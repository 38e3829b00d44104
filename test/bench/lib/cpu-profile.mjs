// Preloaded into a child (NODE_OPTIONS="--import .../cpu-profile.mjs", since Node 20
// refuses --cpu-prof there): profiles the whole process and writes
// $STANCE_CPU_PROFILE_DIR/<pid>.cpuprofile when it exits, for Chrome DevTools/speedscope.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.STANCE_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // An in-thread inspector session answers synchronously, so this runs inside 'exit'.
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
