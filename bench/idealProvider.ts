/**
 * The control of the engine-path measurement: a `__provider` that does no work at all. Its Create,
 * Update and Delete only wait `latencyMs` (what one API request costs at best), its Check, Diff and
 * Read answer at once, and it opens no connection. Driven through the same SDK provider host and
 * harness as `PddDnsRecord`, its wall times are the best any provider can reach on that path on this
 * machine: the gap between them and the latency bound is the engine path's own cost (the harness's
 * gRPC client, the SDK host's gRPC server and protobuf work), and the gap between them and
 * `PddDnsRecord`'s times is what the provider itself adds.
 */
export function idealProviderText(latencyMs: number): string {
  return `"use strict";
const wait = () => new Promise((resolve) => setTimeout(resolve, ${JSON.stringify(latencyMs)}));
let lastId = 0;
exports.handler = () => ({
  configure: async () => {},
  check: async (olds, news) => ({ inputs: news }),
  diff: async (id, olds, news) => ({ changes: olds.content !== news.content || olds.ttl !== news.ttl }),
  create: async (inputs) => {
    await wait();
    const recordId = ++lastId;
    return { id: inputs.domain + "/" + recordId, outs: { ...inputs, recordId } };
  },
  read: async (id, props) => ({ id, props }),
  update: async (id, olds, news) => {
    await wait();
    return { outs: { ...news, recordId: olds.recordId } };
  },
  delete: async () => {
    await wait();
  },
});
`;
}
