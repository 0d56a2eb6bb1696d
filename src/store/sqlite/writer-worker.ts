// The SQLite writer thread's entry (started by writer-thread.ts): it opens the file's write
// connection with the store's pragmas and applies each request in the order it arrives — a batch
// in one transaction, or one write alone — answering with what the writes returned, or why the
// request failed.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './connection.ts';
import { SqliteWriter } from './sqlite-writer.ts';
import { batchToWire, toWire, type WriterReply, type WriterRequest } from './writer-protocol.ts';

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs as a worker thread (writer-thread.ts starts it)');
const options = workerData as { path: string; busyTimeoutMs?: number };
const db = openDatabase(options);
const writer = new SqliteWriter(db);

port.on('message', (request: WriterRequest) => {
  let reply: WriterReply;
  try {
    switch (request.kind) {
      case 'batch':
        reply = { id: request.id, ok: true, ...batchToWire(writer.batch(request.ops)) };
        break;
      case 'one':
        reply = { id: request.id, ok: true, value: writer.one(request.op) };
        break;
      case 'close':
        db.close();
        port.postMessage({ id: request.id, ok: true, value: undefined } satisfies WriterReply);
        port.close();
        return;
    }
  } catch (err) {
    reply = { id: request.id, ok: false, error: toWire(err) };
  }
  port.postMessage(reply);
});
