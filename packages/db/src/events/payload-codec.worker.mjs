// The payload codec thread: encodes each commit's payloads (see payload-codec.mjs) off the event loop. Results
// go back in fresh ArrayBuffers, transferred rather than copied.
import { parentPort } from "node:worker_threads";
import { encodeCommit } from "./payload-codec.mjs";

parentPort.on("message", ({ id, groups, payloads }) => {
  try {
    const { blocks, placements } = encodeCommit(groups, payloads);
    const transfer = [];
    const own = (encoded) => {
      // Small Buffers share Node's pool; copy those so only our own bytes are transferred.
      const bytes = encoded.bytes.byteOffset === 0 && encoded.bytes.byteLength === encoded.bytes.buffer.byteLength ? encoded.bytes : new Uint8Array(encoded.bytes);
      transfer.push(bytes.buffer);
      return { encoding: encoded.encoding, size: encoded.size, bytes };
    };
    parentPort.postMessage(
      { id, blocks: blocks.map(own), placements: placements.map((p) => ("bytes" in p ? own(p) : p)) },
      transfer,
    );
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
