import { startViewer } from '../tests/support/viewer.js';
const v = await startViewer();
console.log(v.url);
await new Promise((r) => setTimeout(r, 1e9));
