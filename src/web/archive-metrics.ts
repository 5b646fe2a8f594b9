import { Gauge } from 'prom-client';
import type { Archive } from '../archive/archive.js';
import type { BackfillProgress } from '../archive/backfill.js';
import type { Metrics } from './metrics.js';

/** The archive's size and the backfill's progress in /metrics, read at scrape time. */
export function registerArchiveMetrics(metrics: Pick<Metrics, 'registry' | 'counter'>, archive: Archive, backfill: { progress: BackfillProgress } | undefined): void {
  const { registry } = metrics;
  const stat = (name: string, help: string, read: (s: Awaited<ReturnType<Archive['stats']>>) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(read(await archive.stats().catch(() => ({ events: 0, rooms: 0, bytes: 0 }))));
      },
    });
  };
  stat('archive_messages', 'Messages held in the archive', (s) => s.events);
  stat('archive_rooms', 'Rooms with events in the archive', (s) => s.rooms);
  stat('archive_size_bytes', 'Bytes the archive takes in its store (file or tables with indexes)', (s) => s.bytes);
  const total = metrics.counter;
  total('archive_events_written_total', 'Events this process wrote to the archive', () => archive.eventsWritten);
  total('archive_write_failures_total', 'Archive writes that failed (the page was served anyway)', () => archive.writeFailures);
  if (!backfill) return;
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  };
  total('archive_backfill_calls_total', 'Homeserver calls this process made to backfill', () => backfill.progress.calls);
  total('archive_backfill_events_total', 'Events this process backfilled', () => backfill.progress.events);
  gauge('archive_backfill_rooms_done', 'Directory rooms read back to their start or bound, in the last pass', () => backfill.progress.roomsDone);
  gauge('archive_backfill_rooms_known', 'World-readable directory rooms the backfill walks', () => backfill.progress.roomsKnown);
  gauge('archive_backfill_active', '1 while this process holds the backfill lock and walks', () => (backfill.progress.active ? 1 : 0));
}
