const mb = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, (v / 1048576).toFixed(1)]));
console.log("bare node", mb(process.memoryUsage()));
await import("tsx/esm/api");
console.log("after tsx import", mb(process.memoryUsage()));
