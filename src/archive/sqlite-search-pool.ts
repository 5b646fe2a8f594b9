import { Worker } from 'node:worker_threads';
import { SearchBusy } from '../errors.js';
import type { SearchRequest } from './sqlite-search-worker.js';
import type { SearchQuery, SearchResult } from './types.js';

/** Searches sent to the worker and not yet answered, at most; one more is a 503. */
export const MAX_QUEUED_SEARCHES = 32;
/** How long a reader waits for a search (queued and run) before a 503. */
export const SEARCH_WAIT_MS = 15_000;

interface Waiting {
  resolve: (result: SearchResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

type Answer = { id: number; result: SearchResult } | { id: number; error: string };

/**
 * One worker thread for an SQLite archive's searches (sqlite-search-worker.ts), started on
 * the first search (the file exists and is migrated by then), queueing the rest. From the
 * sources (tsx, vitest) the worker is the .ts file, loaded through tsx; built, the .js beside
 * this one.
 */
export class SearchWorker {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  /** Sent and not answered, including those whose reader gave up: the worker still runs them. */
  private queued = 0;
  private nextId = 0;

  constructor(private readonly path: string) {}

  search(query: SearchQuery): Promise<SearchResult> {
    if (this.queued >= MAX_QUEUED_SEARCHES) return Promise.reject(new SearchBusy(`${this.queued} searches queued`));
    const worker = (this.worker ??= this.start());
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new SearchBusy(`a search waited ${SEARCH_WAIT_MS} ms`));
      }, SEARCH_WAIT_MS);
      this.waiting.set(id, { resolve, reject, timer });
      // The worker keeps the process alive only while a search is out.
      if (this.queued++ === 0) worker.ref();
      worker.postMessage({ id, query } satisfies SearchRequest);
    });
  }

  private start(): Worker {
    const fromSource = import.meta.url.endsWith('.ts');
    const worker = new Worker(new URL(fromSource ? './sqlite-search-worker.ts' : './sqlite-search-worker.js', import.meta.url), {
      workerData: { path: this.path },
      execArgv: fromSource ? ['--import', 'tsx'] : [],
      // Its heap holds a page of results at a time (SQLite's cache is outside it): a small
      // bound keeps the thread's share of the dyno's memory small.
      resourceLimits: { maxOldGenerationSizeMb: 48 },
    });
    worker.unref();
    worker.on('message', (answer: Answer) => {
      if (--this.queued === 0) worker.unref();
      const waiting = this.waiting.get(answer.id);
      if (!waiting) return;
      this.waiting.delete(answer.id);
      clearTimeout(waiting.timer);
      if ('error' in answer) waiting.reject(new Error(`SQLite search failed: ${answer.error}`));
      else waiting.resolve(answer.result);
    });
    // A worker that dies fails what it held; the next search starts a new one.
    const fail = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.queued = 0;
      this.failAll(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite search worker stopped (exit code ${code})`)));
    return worker;
  }

  private failAll(error: Error): void {
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      this.waiting.delete(id);
      waiting.reject(error);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.queued = 0;
    this.failAll(new Error('the SQLite archive is closed'));
    await worker?.terminate();
  }
}
