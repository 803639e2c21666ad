// The encoding thread's entry point (bundled as dist/encode-worker.js; see encode-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { EncodeService, type EncodeCall, type EncodeThreadStart } from './encode-service.js';

const service = new EncodeService(workerData as EncodeThreadStart);
parentPort?.on('message', (call: EncodeCall) => {
  const answer = service.handle(call);
  if (answer !== undefined) parentPort?.postMessage(answer.reply, answer.transfer);
});
