// The benchmarks' baseline: a minimal Express app that answers every GET with one static
// HTML string of BYTES bytes (the size of the page it is compared with). One Node process.
//   PORT=8100 BYTES=27000 node bench/baseline.mjs
import express from 'express';

const port = Number(process.env.PORT ?? 8100);
const bytes = Number(process.env.BYTES ?? 27_000);
const head = '<!doctype html><html lang="en"><head><title>baseline</title></head><body><p>';
const tail = '</p></body></html>';
const page = head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/{*any}', (_req, res) => {
  res.type('html').send(page);
});
app.listen(port, '127.0.0.1', () => process.stdout.write(`baseline listening on ${port}\n`));
