// The baseline for the single-event throughput ratio: a bare Node `http` server that reads the body, JSON.parses
// it and answers 200. No validation, no storage. Plain JS, no loader. Prints its port over IPC.
import http from "node:http";

const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    let status = 200;
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      status = 400;
    }
    const text = status === 200 ? '{"ok":true}' : '{"ok":false}';
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  });
});
server.listen(0, "127.0.0.1", () => process.send({ type: "ready", port: server.address().port }));
process.on("message", (msg) => {
  if (msg?.cmd === "close") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
