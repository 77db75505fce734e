/**
 * Contract tests: every recorded live-PDD interaction is replayed to the client over real HTTP, in
 * the bytes the service wrote (Python `json.dumps` spacing). Each test checks the request the client
 * sent (method, path, parameters, token header) and what it made of the recorded answer: parsed
 * records, or the PddApiError the service's code maps to. Then the same scenarios run through the
 * client against the emulator in its 2017 era, the era of the recordings.
 */
import { PddApiError, PddClient } from "../../src/client";
import type { PddRecord } from "../../src/client";
import type { SeedRecord } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import { pythonJsonDumps } from "../../src/emulator/wireFormat";
import type { RecordedInteraction, Recording } from "../helpers/recordings";
import { describeIfRecordings, loadRecordings } from "../helpers/recordings";
import type { ReceivedRequest, ReplayServer, Reply } from "../helpers/replayServer";
import { startReplayServer } from "../helpers/replayServer";
import { FAST_RETRY } from "./support";

const TOKEN = "contract-token-7Q";

type RawRecord = Record<string, unknown>;
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** The recorded answer as the service sent it: its status and content type, `json.dumps` bytes. */
function serviceReply(response: RecordedInteraction["response"]): Reply {
  return {
    kind: "text",
    status: response.status,
    contentType: response.contentType,
    body: pythonJsonDumps(response.body),
  };
}

/** Calls the client method matching a recorded request, with the recorded parameters. */
function invoke(client: PddClient, request: RecordedInteraction["request"]): Promise<unknown> {
  const q = request.query;
  switch (`${request.method} ${request.path}`) {
    case "GET /api2/admin/dns/list":
      return client.listRecords(q.domain);
    case "POST /api2/admin/dns/add":
      return client.addRecord({
        domain: q.domain,
        type: q.type as PddRecord["type"],
        subdomain: q.subdomain,
        content: q.content,
        ttl: Number(q.ttl),
      });
    case "POST /api2/admin/dns/edit":
      return client.editRecord({
        domain: q.domain,
        recordId: Number(q.record_id),
        subdomain: q.subdomain,
        content: q.content,
      });
    case "POST /api2/admin/dns/del":
      return client.deleteRecord(q.domain, Number(q.record_id));
    default:
      throw new Error(`No client method is mapped to recorded ${request.method} ${request.path}`);
  }
}

/**
 * Parameters the client is expected to send. The recording client (dns-lexicon) also sent `type`
 * to dns/edit, which the API does not take (a record's type cannot change), so it is left out.
 */
function expectedParams(request: RecordedInteraction["request"]): Record<string, string> {
  const params = { ...request.query };
  if (request.path.endsWith("/dns/edit")) delete params.type;
  return params;
}

function expectRequest(received: ReceivedRequest | undefined, request: RecordedInteraction["request"]): void {
  expect(received).toBeDefined();
  const r = received as ReceivedRequest;
  expect(r.method).toBe(request.method);
  expect(r.path).toBe(request.path);
  expect(r.headers.pddtoken).toBe(TOKEN);
  if (request.method === "GET") {
    expect(r.query).toEqual(expectedParams(request));
    expect(r.rawBody.length).toBe(0);
  } else {
    expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(r.body).toEqual(expectedParams(request));
    expect(r.query).toEqual({});
  }
}

/** Field-by-field comparison of a parsed record with the raw one it came from. */
function expectRecord(parsed: PddRecord, raw: RawRecord): void {
  expect(parsed.recordId).toBe(raw.record_id);
  expect(parsed.domain).toBe(raw.domain);
  expect(parsed.type).toBe(raw.type);
  expect(parsed.subdomain).toBe(raw.subdomain);
  expect(parsed.fqdn).toBe(raw.fqdn);
  expect(parsed.content).toBe(raw.content);
  expect(parsed.ttl).toBe(raw.ttl);
  expect(parsed.priority).toBe(raw.priority === "" ? undefined : raw.priority);
  expect(parsed.weight).toBe(raw.weight);
  expect(parsed.port).toBe(raw.port);
  expect(parsed.adminMail).toBe(raw.admin_mail);
  expect(parsed.refresh).toBe(raw.refresh);
  expect(parsed.retry).toBe(raw.retry);
  expect(parsed.expire).toBe(raw.expire);
  expect(parsed.minttl).toBe(raw.minttl);
  expect(parsed).not.toHaveProperty("operation");
}

function expectOutcome(outcome: Outcome, interaction: RecordedInteraction): void {
  const body = interaction.response.body as Record<string, unknown>;
  const endpoint = interaction.request.path.replace("/api2/admin/", "");
  if (body.success === "error") {
    expect(outcome.ok).toBe(false);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(PddApiError);
    expect((error as PddApiError).code).toBe(body.error);
    expect((error as PddApiError).apiCode).toBe(body.error);
    expect((error as PddApiError).endpoint).toBe(endpoint);
    expect((error as PddApiError).cause).toEqual({ endpoint, error: body.error });
    return;
  }
  if (!outcome.ok) throw outcome.error;
  switch (endpoint) {
    case "dns/list": {
      const records = outcome.value as PddRecord[];
      const raw = body.records as RawRecord[];
      expect(records).toHaveLength(raw.length);
      raw.forEach((r, i) => expectRecord(records[i], r));
      return;
    }
    case "dns/add":
    case "dns/edit":
      expectRecord(outcome.value as PddRecord, body.record as RawRecord);
      return;
    case "dns/del":
      expect(outcome.value).toBeUndefined();
      return;
    default:
      throw new Error(`unexpected endpoint ${endpoint}`);
  }
}

describeIfRecordings("PddClient against recorded live PDD responses", () => {
  const recordings = loadRecordings();
  const byFile = new Map(recordings.map((r) => [r.file, r]));
  let server: ReplayServer;
  let client: PddClient;

  beforeEach(async () => {
    server = await startReplayServer();
    client = new PddClient({ token: TOKEN, endpoint: server.url, retry: { minDelayMs: 1, maxDelayMs: 20 } });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
  });

  /** Replays a recording and returns each call's outcome. */
  async function replay(recording: Recording): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const [i, interaction] of recording.interactions.entries()) {
      server.enqueue(serviceReply(interaction.response));
      const outcome = await invoke(client, interaction.request).then(
        (value): Outcome => ({ ok: true, value }),
        (error: unknown): Outcome => ({ ok: false, error }),
      );
      expectRequest(server.requests[i], interaction.request);
      expectOutcome(outcome, interaction);
      outcomes.push(outcome);
    }
    // One request per interaction: no recorded error is one the client may retry.
    expect(server.requests).toHaveLength(recording.interactions.length);
    return outcomes;
  }

  function recording(file: string): Recording {
    const r = byFile.get(file);
    if (!r) throw new Error(`recording ${file} is missing`);
    return r;
  }

  test("the folder holds the recorded scenarios", () => {
    expect(recordings.length).toBeGreaterThanOrEqual(20);
  });

  test.each(recordings.map((r) => [r.file, r] as const))("replays %s", async (_file, r) => {
    await replay(r);
  });

  test("authenticate.json: the full zone, with MX, NS, SOA, TXT, CNAME, A, AAAA and SRV records", async () => {
    const [outcome] = await replay(recording("authenticate.json"));
    const records = (outcome as { value: PddRecord[] }).value;
    expect(records).toHaveLength(14);
    expect(new Set(records.map((r) => r.type))).toEqual(
      new Set(["MX", "NS", "SOA", "TXT", "CNAME", "A", "AAAA", "SRV"]),
    );
    const byId = new Map(records.map((r) => [r.recordId, r]));

    expect(byId.get(39559783)).toEqual({
      recordId: 39559783,
      domain: "capsulecd.com",
      type: "MX",
      subdomain: "@",
      fqdn: "capsulecd.com",
      content: "mx.yandex.net.",
      ttl: 21600,
      priority: 10,
    });
    const ns = byId.get(39559782);
    expect(ns?.type).toBe("NS");
    expect(ns?.content).toBe("dns1.yandex.net.");
    expect(ns?.priority).toBeUndefined();
    expect(ns).not.toHaveProperty("priority");

    expect(byId.get(39559780)).toEqual({
      recordId: 39559780,
      domain: "capsulecd.com",
      type: "SOA",
      subdomain: "@",
      fqdn: "capsulecd.com",
      content: "dns1.yandex.net.",
      ttl: 21600,
      adminMail: "lexicon.test.yandex.ru",
      refresh: 14400,
      retry: 900,
      expire: 1209600,
      minttl: 14400,
    });
    expect(byId.get(39559788)).toEqual({
      recordId: 39559788,
      domain: "capsulecd.com",
      type: "SRV",
      subdomain: "_xmpp-server._tcp",
      fqdn: "_xmpp-server._tcp.capsulecd.com",
      content: "domain-xmpp.yandex.net.",
      ttl: 21600,
      priority: 20,
      weight: 0,
      port: 5269,
    });
    expect(records.filter((r) => r.type === "SRV").map((r) => r.port)).toEqual([5222, 5222, 5269, 5269]);
    expect(byId.get(39559791)?.content).toBe("2400:cb00:2048:1::681f:4ca4");
    expect(byId.get(39559969)?.fqdn).toBe("mail.capsulecd.com");
  });

  test("unmanaged domain: dns/list raises PddApiError not_allowed with an actionable message", async () => {
    const [outcome] = await replay(recording("authenticate_with_unmanaged_domain_should_fail.json"));
    const error = (outcome as { error: PddApiError }).error;
    expect(error.code).toBe("not_allowed");
    expect(error.outcomeUnknown).toBe(false);
    expect(error.message).toMatch(/dns\/list.*not_allowed.*connected to the account/);
  });

  test("duplicate add: the first add returns the record, the repeats raise record_exists", async () => {
    const outcomes = await replay(
      recording("when_calling_create_record_with_duplicate_records_should_be_noop.json"),
    );
    const added = (outcomes[1] as { value: PddRecord }).value;
    expect(added).toMatchObject({
      recordId: 48535405,
      type: "TXT",
      subdomain: "_acme-challenge.noop",
      ttl: 3600,
    });
    for (const outcome of outcomes.slice(2, 4)) {
      expect(outcome.ok).toBe(false);
      expect((outcome as { error: PddApiError }).error.code).toBe("record_exists");
    }
    const [, , , , last] = outcomes;
    const listed = (last as { value: PddRecord[] }).value;
    expect(listed.filter((r) => r.subdomain === "_acme-challenge.noop")).toHaveLength(1);
  });

  test("update: dns/edit's nested record (with operation:editing) becomes the returned record", async () => {
    const outcomes = await replay(recording("when_calling_update_record_should_modify_record.json"));
    const edited = (outcomes[3] as { value: PddRecord }).value;
    expect(edited).toEqual({
      recordId: 39560410,
      domain: "capsulecd.com",
      type: "TXT",
      subdomain: "updated.test",
      fqdn: "updated.test.capsulecd.com",
      content: "challengetoken",
      ttl: 21600,
    });
    expect(server.requests[3].body).toEqual({
      domain: "capsulecd.com",
      record_id: "39560410",
      subdomain: "updated.test",
      content: "challengetoken",
    });
  });

  test("delete by id: dns/del sends the id and the following list no longer has the record", async () => {
    const outcomes = await replay(
      recording("when_calling_delete_record_by_identifier_should_remove_record.json"),
    );
    expect(server.requests[3].body).toEqual({ domain: "capsulecd.com", record_id: "39560227" });
    const before = (outcomes[2] as { value: PddRecord[] }).value;
    const after = (outcomes[4] as { value: PddRecord[] }).value;
    expect(before.some((r) => r.recordId === 39560227)).toBe(true);
    expect(after.some((r) => r.recordId === 39560227)).toBe(false);
    expect(after).toHaveLength(before.length - 1);
  });
});

describeIfRecordings("the recorded scenarios through PddClient against the 2017-era emulator", () => {
  type Raw = { record_id: number; type: string; subdomain: string; fqdn: string; content: string };
  const visible = (r: PddRecord | Raw) => ({
    type: r.type,
    subdomain: r.subdomain,
    fqdn: r.fqdn,
    content: r.content,
  });

  test.each(loadRecordings().map((r) => [r.file, r] as const))("%s", async (_file, recording) => {
    const firstList = recording.interactions.find(
      (i) =>
        i.request.path === "/api2/admin/dns/list" &&
        (i.response.body as { success?: string }).success === "ok",
    );
    const domain = firstList?.request.query.domain;
    const seeds = ((firstList?.response.body as { records?: SeedRecord[] } | undefined)?.records ??
      []) as SeedRecord[];
    const seedIds = new Set(seeds.map((seed) => Number(seed.record_id)));
    const emu = await startEmulator({
      token: TOKEN,
      era: "2017",
      domains: domain === undefined ? ["example.com"] : [domain],
      records: domain === undefined ? {} : { [domain]: seeds },
      seedDefaultRecords: false,
    });
    const client = new PddClient({ token: TOKEN, endpoint: emu.url, retry: FAST_RETRY });
    /** Recorded record id → the id the emulator gave the same record. */
    const ids = new Map<number, number>();
    const mapId = (id: number): number => ids.get(id) ?? id;
    try {
      for (const [index, interaction] of recording.interactions.entries()) {
        const where = `#${index} ${interaction.request.path}`;
        const query = { ...interaction.request.query };
        if (query.record_id !== undefined) query.record_id = String(mapId(Number(query.record_id)));
        const outcome = await invoke(client, { ...interaction.request, query }).then(
          (value): Outcome => ({ ok: true, value }),
          (error: unknown): Outcome => ({ ok: false, error }),
        );
        const body = interaction.response.body as {
          success: string;
          error?: string;
          record?: Raw;
          records?: Raw[];
        };
        if (body.success === "error") {
          expect({ where, code: outcome.ok ? "(resolved)" : (outcome.error as PddApiError).code }).toEqual({
            where,
            code: body.error,
          });
          continue;
        }
        if (!outcome.ok) throw outcome.error;
        if (body.record !== undefined) {
          const record = outcome.value as PddRecord;
          if (interaction.request.path.endsWith("/dns/add")) ids.set(body.record.record_id, record.recordId);
          expect({ where, id: record.recordId, ...visible(record) }).toEqual({
            where,
            id: mapId(body.record.record_id),
            ...visible(body.record),
          });
        }
        if (body.records !== undefined) {
          // Records another scenario created in the same zone while this one was recorded are not expected.
          const expected = body.records.filter((r) => seedIds.has(r.record_id) || ids.has(r.record_id));
          const listed = outcome.value as PddRecord[];
          expect({ where, count: listed.length }).toEqual({ where, count: expected.length });
          for (const raw of expected) {
            const mine = listed.find((r) => r.recordId === mapId(raw.record_id));
            expect({ where, record: mine && visible(mine) }).toEqual({ where, record: visible(raw) });
          }
        }
      }
    } finally {
      await client.close();
      await emu.close();
    }
  });
});
