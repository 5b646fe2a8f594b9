// Preloaded into the viewer by the big-rooms bench (NODE_OPTIONS=--import=…), never in
// production. The event-loop delay is wall time: on a machine with more runnable work than
// cores it also counts the time the process waited for a core. This probe counts the other
// half: the CPU time the viewer's main thread spent between two ticks of a 5 ms timer, i.e.
// the work of the task (or turn) that held the loop, whatever the machine's load.
// On SIGUSR2 it appends `{"cpuMaxMs":…,"wallMaxMs":…}` for the time since the last signal
// to the file named by LOOP_PROBE_FILE, and starts again.
import { appendFileSync } from 'node:fs';

const file = process.env['LOOP_PROBE_FILE'];
if (file) {
  let last = process.threadCpuUsage();
  let lastWall = performance.now();
  let cpuMax = 0;
  let wallMax = 0;
  setInterval(() => {
    const now = process.threadCpuUsage();
    const wall = performance.now();
    cpuMax = Math.max(cpuMax, (now.user + now.system - last.user - last.system) / 1000);
    wallMax = Math.max(wallMax, wall - lastWall);
    last = now;
    lastWall = wall;
  }, 5).unref();
  process.on('SIGUSR2', () => {
    appendFileSync(file, `${JSON.stringify({ cpuMaxMs: cpuMax, wallMaxMs: wallMax })}\n`);
    cpuMax = 0;
    wallMax = 0;
  });
}
