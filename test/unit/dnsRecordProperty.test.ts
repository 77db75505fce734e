/**
 * Property test of the read → check → diff round trip of `PddDnsRecord`: for generated valid inputs
 * of every record type on each backend, the record the service would store and echo back (in its own
 * spelling: other letter case, trailing dots, other IPv6 forms, FQDNs) must read as "no change".
 *
 * Deterministic by default; set DNS_PROPERTY_SEED to explore other seeds and DNS_PROPERTY_CASES for
 * more cases per type. Every failure message names the seed and the case index to replay it.
 */
import { isIPv6 } from "node:net";
import type { BackendTraits } from "../../src/backends/traits";
import { BACKEND_TRAITS } from "../../src/backends/traits";
import type { DnsRecord, DnsRecordType } from "../../src/client/types";
import type { DnsRecordInputs } from "../../src/runtime/dnsRecordModel";
import {
  addParams,
  checkDnsRecord,
  diffDnsRecord,
  inputsFromOutputs,
  matchesIdentity,
  outputsFromRecord,
} from "../../src/runtime/dnsRecordModel";

const BASE_SEED = Number(process.env.DNS_PROPERTY_SEED ?? 0x5eed2025) >>> 0;
const CASES = Number(process.env.DNS_PROPERTY_CASES ?? 60);

// ---------------------------------------------------------------- seeded PRNG (mulberry32)

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
  chars(alphabet: string, min: number, max: number): string {
    let s = "";
    const n = this.int(min, max);
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

/** A seed per (backend, type) so one group can be replayed alone. */
function seedFor(api: string, type: string): number {
  let h = BASE_SEED;
  for (const c of `${api}:${type}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

// ---------------------------------------------------------------- spellings

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";

function randomCase(rng: Rng, s: string): string {
  const mode = rng.int(0, 3);
  if (mode === 0) return s;
  if (mode === 1) return s.toUpperCase();
  return [...s].map((c) => (rng.bool() ? c.toUpperCase() : c.toLowerCase())).join("");
}

function maybeDot(rng: Rng, s: string): string {
  return rng.bool() ? `${s}.` : s;
}

function maybeSpaces(rng: Rng, s: string): string {
  return rng.bool(0.15) ? ` ${s}  ` : s;
}

/** A DNS label: letters, digits and hyphens (and underscores when allowed), no edge hyphen. */
function label(rng: Rng, underscores = false): string {
  const inner = LOWER + DIGITS + "-" + (underscores ? "_" : "");
  const edge = LOWER + DIGITS + (underscores ? "_" : "");
  const len = rng.pick([1, 2, 3, 5, 8, 12, 63]);
  if (len === 1) return rng.chars(LOWER, 1, 1);
  return rng.chars(LOWER, 1, 1) + rng.chars(inner, len - 2, len - 2) + rng.chars(edge, 1, 1);
}

function domainName(rng: Rng): string {
  const labels = Array.from({ length: rng.int(1, 2) }, () => label(rng));
  return [...labels, rng.chars(LOWER, 2, 6)].join(".");
}

function hostName(rng: Rng): string {
  return [...Array.from({ length: rng.int(1, 3) }, () => label(rng, true)), rng.chars(LOWER, 2, 4)].join(".");
}

/** A canonical relative record name of the type (the service's spelling before any echo variation). */
function relativeName(rng: Rng, type: DnsRecordType): string {
  if (type === "SRV") return `_${rng.pick(["sip", "xmpp-server", "ldap"])}._${rng.pick(["tcp", "udp"])}`;
  if (type === "SOA") return "@";
  const kind = rng.int(0, 5);
  if (kind === 0 && type !== "CNAME") return "@"; // check refuses a CNAME at the apex
  if (kind === 1 && type !== "CNAME") return "*";
  if (kind === 2) return `*.${label(rng)}`;
  if (kind === 3) return `_${rng.pick(["dmarc", "acme-challenge", "domainkey"])}`;
  return Array.from({ length: rng.int(1, 3) }, () => label(rng, true)).join(".");
}

/** How a user may spell a canonical relative name of `zone`. */
function userSubdomain(rng: Rng, sub: string, zone: string): string | undefined {
  const fqdn = sub === "@" ? zone : `${sub}.${zone}`;
  const form = rng.int(0, 4);
  if (sub === "@" && form === 0) return rng.pick([undefined, "", "@"]);
  if (form <= 1) return maybeSpaces(rng, randomCase(rng, sub));
  if (form === 2) return randomCase(rng, fqdn); // inside the zone, no trailing dot
  return randomCase(rng, `${fqdn}.`);
}

/** A random IPv6 address as eight 16-bit groups, zero runs likely. */
function ipv6Groups(rng: Rng): number[] {
  const groups = Array.from({ length: 8 }, () => (rng.bool(0.45) ? 0 : rng.int(0, 0xffff)));
  if (rng.bool(0.15)) return [0, 0, 0, 0, 0, 0xffff, rng.int(0, 0xffff), rng.int(0, 0xffff)];
  if (rng.bool(0.1)) return [0x2001, 0xdb8, 0, 0, 0, 0, 0, rng.int(0, 3)];
  return groups;
}

/** One of the many valid spellings of an IPv6 address (RFC 4291 section 2.2). */
function spellIPv6(rng: Rng, groups: number[]): string {
  const hex = (g: number) => {
    const h = g.toString(16);
    return rng.bool(0.3) ? h.padStart(4, "0") : h;
  };
  // Optionally the last 32 bits as dotted IPv4.
  const mixed = rng.bool(0.25);
  const words: string[] = groups.slice(0, mixed ? 6 : 8).map(hex);
  if (mixed) words.push([groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join("."));
  // Optionally compress one run of zero groups (any run, not necessarily the longest).
  const runs: Array<[number, number]> = [];
  for (let i = 0; i < words.length; i++) {
    if (/^0+$/.test(words[i]!)) {
      let j = i;
      while (j + 1 < words.length && /^0+$/.test(words[j + 1]!)) j++;
      runs.push([i, j]);
      i = j;
    }
  }
  let text: string;
  if (runs.length > 0 && rng.bool(0.7)) {
    const [start, end] = rng.pick(runs);
    text = `${words.slice(0, start).join(":")}::${words.slice(end + 1).join(":")}`;
  } else text = words.join(":");
  text = randomCase(rng, text);
  if (!isIPv6(text)) throw new Error(`generator bug: ${text} is not IPv6`);
  return text;
}

function printable(rng: Rng, min: number, max: number, extra = ""): string {
  return rng.chars(`${LOWER}${LOWER.toUpperCase()}${DIGITS} =;:-_.,/+@!?%${extra}`, min, max);
}

function someInt(rng: Rng, min: number, max: number): number {
  return rng.bool(0.3) ? rng.pick([min, max]) : rng.int(min, max);
}

/** Integers arrive as numbers from TypeScript and as strings from YAML. */
function userInt(rng: Rng, n: number): number | string {
  return rng.bool(0.3) ? String(n) : n;
}

// ---------------------------------------------------------------- one case

interface Case {
  /** What the program passes. */
  user: Record<string, unknown>;
  /** The organization the zone resolved to (Yandex 360), passed to outputsFromRecord. */
  zoneOrgId?: number;
  /** How the service echoes the record it stored. */
  record: DnsRecord;
}

/**
 * Builds user inputs of `type` and the record the service would hold for them: the values the
 * provider sends (addParams of the checked inputs), spelled back the way a service may spell them.
 */
function generate(rng: Rng, type: DnsRecordType, traits: BackendTraits): Case {
  const zone = domainName(rng);
  let sub = relativeName(rng, type);
  while (`${sub}.${zone}`.length > 253) sub = relativeName(rng, type); // RFC 1035's limit
  const user: Record<string, unknown> = {
    domain: maybeSpaces(rng, maybeDot(rng, randomCase(rng, zone))),
    type: randomCase(rng, type),
  };
  const subdomain = userSubdomain(rng, sub, zone);
  if (subdomain !== undefined) user.subdomain = subdomain;
  if (rng.bool(0.6)) user.ttl = userInt(rng, someInt(rng, 1, 1209600));
  if (rng.bool(0.3)) user.adoptExisting = rng.bool();

  let zoneOrgId: number | undefined;
  if (traits.hasOrganizations) {
    zoneOrgId = rng.int(1, 10_000_000);
    if (rng.bool(0.5)) user.orgId = userInt(rng, zoneOrgId);
  }

  // What the service echoes, field by field, before the common fields are added below.
  const echo: Partial<DnsRecord> = {};
  const echoHost = (host: string) => randomCase(rng, maybeDot(rng, host));
  switch (type) {
    case "A": {
      const ip = [0, 0, 0, 0].map(() => rng.int(0, 255)).join(".");
      user.content = maybeSpaces(rng, ip);
      echo.content = ip;
      break;
    }
    case "AAAA": {
      const groups = ipv6Groups(rng);
      user.content = maybeSpaces(rng, spellIPv6(rng, groups));
      echo.content = spellIPv6(rng, groups);
      break;
    }
    case "CNAME":
    case "NS":
    case "MX": {
      const host = hostName(rng);
      user.content = maybeSpaces(rng, randomCase(rng, maybeDot(rng, host)));
      echo.content = echoHost(host);
      if (type === "MX") {
        const priority = rng.bool(0.3) ? undefined : someInt(rng, 0, 65535);
        if (priority !== undefined) user.priority = userInt(rng, priority);
        echo.priority = priority ?? 10;
      }
      break;
    }
    case "TXT": {
      const text = rng.pick([
        () => `v=spf1 include:_spf.${zone} ~all`,
        () => `v=DKIM1; k=rsa; p=${rng.chars(LOWER + LOWER.toUpperCase() + DIGITS + "+/", 200, 400)}`,
        () => `${rng.chars(LOWER, 1, 1)}${printable(rng, 0, 300, ' "\\')}`, // never blank
        () => `  x${printable(rng, 0, 20)}  `,
        () => `${printable(rng, 0, 10)} é 日本 ✓`,
        () => `x${printable(rng, 4095, 4095)}`,
      ])();
      user.content = text;
      echo.content = text;
      break;
    }
    case "SRV": {
      const target = rng.bool(0.1) ? "." : hostName(rng);
      const priority = rng.bool(0.3) ? undefined : someInt(rng, 0, 65535);
      const weight = someInt(rng, 0, 65535);
      const port = someInt(rng, 1, 65535);
      if (priority !== undefined) user.priority = userInt(rng, priority);
      user.weight = userInt(rng, weight);
      user.port = userInt(rng, port);
      user.target = target === "." ? "." : maybeSpaces(rng, randomCase(rng, maybeDot(rng, target)));
      echo.content = target === "." ? "." : echoHost(target);
      echo.priority = priority ?? 10;
      echo.weight = weight;
      echo.port = port;
      break;
    }
    case "SOA": {
      const ns = hostName(rng);
      if (rng.bool(0.7)) user.content = randomCase(rng, maybeDot(rng, ns));
      echo.content = echoHost(ns);
      const mailbox = rng.bool() ? `hostmaster@${zone}` : `hostmaster.${zone}`;
      user.adminMail = maybeSpaces(rng, randomCase(rng, mailbox));
      echo.adminMail = randomCase(rng, mailbox);
      const timers = { refresh: 14400, retry: 900, expire: 1209600, minttl: 3600 };
      for (const [field, service] of [
        ["refresh", "refresh"],
        ["retry", "retry"],
        ["expire", "expire"],
        ["negCache", "minttl"],
      ] as const) {
        // Left unset, the service keeps its own value: no diff either.
        const n = rng.bool(0.5) ? someInt(rng, 1, 2147483647) : undefined;
        if (n !== undefined) user[field] = userInt(rng, n);
        echo[service] = n ?? timers[service];
      }
      break;
    }
    case "CAA": {
      const tag = rng.pick(["issue", "issuewild", "iodef"] as const);
      const value =
        tag === "iodef"
          ? rng.pick([`mailto:security@${zone}`, `https://${zone}/caa`])
          : rng.pick(["letsencrypt.org", "pki.goog; cansignhttpexchanges=yes", `ca.${zone}`, ";"]);
      const flag = rng.bool(0.3) ? undefined : rng.pick([0, 128]);
      user.tag = maybeSpaces(rng, randomCase(rng, tag));
      user.content = rng.bool(0.3) ? `"${value}"` : maybeSpaces(rng, value);
      if (flag !== undefined) user.flag = userInt(rng, flag);
      // Tags are case-insensitive (RFC 8659), but the provider sends them lower case and the
      // service is taken to store what it is sent; see the separate CAA tag test below.
      echo.tag = tag;
      echo.content = value;
      echo.flag = flag ?? 0;
      break;
    }
  }

  const fqdn = sub === "@" ? zone : `${sub}.${zone}`;
  const record: DnsRecord = {
    recordId: rng.int(1, 2_000_000_000),
    domain: rng.bool(0.3) ? randomCase(rng, maybeDot(rng, zone)) : zone,
    type,
    // Relative, as the DnsRecord contract says, but perhaps in another letter case.
    subdomain: rng.bool(0.3) ? randomCase(rng, sub) : sub,
    fqdn: rng.bool(0.5) ? randomCase(rng, maybeDot(rng, fqdn)) : fqdn,
    content: "",
    ttl: 0,
    ...echo,
  };
  // The service stores the TTL the provider sends.
  const ttl = checkDnsRecord(user, traits).inputs.ttl;
  record.ttl = typeof ttl === "number" ? ttl : -1;
  return { user, zoneOrgId, record };
}

// ---------------------------------------------------------------- the property

interface Outcome {
  problems: string[];
}

function describeCase(seed: number, index: number, c: Case): string {
  return `seed=${seed} case=${index} user=${JSON.stringify(c.user)} record=${JSON.stringify(c.record)} zoneOrgId=${c.zoneOrgId}`;
}

function runCase(seed: number, index: number, c: Case, traits: BackendTraits): Outcome {
  const problems: string[] = [];
  const where = () => describeCase(seed, index, c);

  const original = checkDnsRecord(c.user, traits);
  if (original.failures.length > 0) {
    problems.push(`generated input refused: ${JSON.stringify(original.failures)} ${where()}`);
    return { problems };
  }
  const adopt = original.inputs.adoptExisting === true;
  const outputs = outputsFromRecord(c.record, adopt, c.zoneOrgId);
  const readInputs = inputsFromOutputs(outputs);
  const rechecked = checkDnsRecord(readInputs as unknown as Record<string, unknown>, traits);
  if (rechecked.failures.length > 0) {
    problems.push(
      `read inputs refused by check: ${JSON.stringify(rechecked.failures)} outputs=${JSON.stringify(outputs)} ${where()}`,
    );
  }
  const olds = outputs as unknown as Record<string, unknown>;
  const afterRead = diffDnsRecord(olds, rechecked.inputs, traits);
  if (afterRead.changes) {
    problems.push(
      `read → check → diff shows a change ${JSON.stringify(afterRead)} outputs=${JSON.stringify(outputs)} rechecked=${JSON.stringify(rechecked.inputs)} ${where()}`,
    );
  }
  const againstProgram = diffDnsRecord(olds, original.inputs, traits);
  if (againstProgram.changes) {
    problems.push(
      `diff against the program's inputs shows a change ${JSON.stringify(againstProgram)} outputs=${JSON.stringify(outputs)} checked=${JSON.stringify(original.inputs)} ${where()}`,
    );
  }
  // The echo of what was added is the record that adoption and reconciliation look for. (An SOA
  // given without content cannot be added, so it has no echo to match.)
  const desired = original.inputs as unknown as DnsRecordInputs;
  const addable = !(desired.type === "SOA" && desired.content === undefined);
  if (addable && !matchesIdentity(c.record, desired)) {
    problems.push(
      `matchesIdentity(echo, checked inputs) is false checked=${JSON.stringify(desired)} ${where()}`,
    );
  }
  // What the provider would send is what the generator assumed the service stores.
  const sent = addParams(desired);
  if (sent.ttl !== c.record.ttl) problems.push(`addParams ttl ${sent.ttl} ${where()}`);

  // Control: the property is not vacuous; a real drift (another TTL) is a change.
  const drifted = outputsFromRecord({ ...c.record, ttl: c.record.ttl + 1 }, adopt, c.zoneOrgId);
  if (!diffDnsRecord(drifted as unknown as Record<string, unknown>, original.inputs, traits).changes) {
    problems.push(`control: a TTL drift was not reported as a change ${where()}`);
  }
  return { problems };
}

const groups: Array<{ name: string; traits: BackendTraits; type: DnsRecordType }> = [];
for (const traits of [BACKEND_TRAITS.pdd, BACKEND_TRAITS.yandex360]) {
  for (const type of traits.recordTypes) groups.push({ name: `${traits.api}:${type}`, traits, type });
}

describe("read → check → diff of the service's echo is no change", () => {
  it("covers every type of each backend: PDD without CAA, Yandex 360 without SOA", () => {
    expect(groups.map((g) => g.name)).toEqual([
      "pdd:A",
      "pdd:AAAA",
      "pdd:CNAME",
      "pdd:MX",
      "pdd:NS",
      "pdd:TXT",
      "pdd:SRV",
      "pdd:SOA",
      "yandex360:A",
      "yandex360:AAAA",
      "yandex360:CNAME",
      "yandex360:MX",
      "yandex360:NS",
      "yandex360:TXT",
      "yandex360:SRV",
      "yandex360:CAA",
    ]);
  });

  it.each(groups)(`$name: ${CASES} generated cases`, ({ traits, type }) => {
    const seed = seedFor(traits.api, type);
    const rng = new Rng(seed);
    const problems: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const c = generate(rng, type, traits);
      problems.push(...runCase(seed, i, c, traits).problems);
    }
    expect(problems.slice(0, 3)).toEqual([]);
  });
});

describe("the generator itself", () => {
  it("produces different spellings than the canonical ones (the property is not trivially true)", () => {
    const rng = new Rng(seedFor("self-test", "A"));
    let upperDomains = 0;
    let fqdnSubdomains = 0;
    let nonCanonicalIPv6 = 0;
    for (let i = 0; i < 200; i++) {
      const c = generate(rng, "AAAA", BACKEND_TRAITS.pdd);
      const domain = String(c.user.domain);
      if (domain !== domain.toLowerCase()) upperDomains++;
      if (typeof c.user.subdomain === "string" && c.user.subdomain.includes(".")) fqdnSubdomains++;
      const checked = checkDnsRecord(c.user).inputs.content;
      if (c.record.content !== checked) nonCanonicalIPv6++;
    }
    expect(upperDomains).toBeGreaterThan(50);
    expect(fqdnSubdomains).toBeGreaterThan(50);
    expect(nonCanonicalIPv6).toBeGreaterThan(50);
  });

  it("reports a case that does differ: another CNAME target is a change", () => {
    const user = { domain: "example.com", type: "CNAME", subdomain: "www", content: "a.example.net" };
    const record: DnsRecord = {
      recordId: 1,
      domain: "example.com",
      type: "CNAME",
      subdomain: "www",
      fqdn: "www.example.com",
      content: "b.example.net.",
      ttl: 21600,
    };
    const problems = runCase(1, 0, { user, record }, BACKEND_TRAITS.pdd).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^diff against the program's inputs shows a change .*seed=1 case=0/);
    expect(problems[1]).toMatch(/^matchesIdentity/);
  });
});

/** Bugs this property found, kept as regression tests now that they are fixed. */
describe("bugs this property found (fixed)", () => {
  const caaRecord = (over: Partial<DnsRecord>): DnsRecord => ({
    recordId: 7,
    domain: "example.com",
    type: "CAA",
    subdomain: "@",
    fqdn: "example.com",
    content: "letsencrypt.org",
    ttl: 21600,
    flag: 0,
    tag: "issue",
    ...over,
  });
  const y360 = BACKEND_TRAITS.yandex360;

  it("an AAAA address with a zone id is a check failure, not a thrown TypeError", () => {
    // node's isIPv6 accepts "fe80::1%eth0"; canonicalIPv6 (the URL parser) then throws "Invalid URL".
    const { failures } = checkDnsRecord({
      domain: "example.com",
      type: "AAAA",
      subdomain: "www",
      content: "fe80::1%eth0",
    });
    expect(failures.map((f) => f.property)).toEqual(["content"]);
  });

  it("a CAA tag the service spells in another case reads as no change", () => {
    // Tags are case-insensitive (RFC 8659 section 4.1); check lower-cases them, outputsFromRecord
    // and diff do not, so this plans a delete-first replacement on every run.
    const user = {
      domain: "example.com",
      type: "CAA",
      subdomain: "@",
      tag: "issue",
      content: "letsencrypt.org",
    };
    const record = caaRecord({ tag: "ISSUE" });
    const outputs = outputsFromRecord(record, false, 5) as unknown as Record<string, unknown>;
    expect(diffDnsRecord(outputs, checkDnsRecord(user, y360).inputs, y360).changes).toBe(false);
    expect(matchesIdentity(record, checkDnsRecord(user, y360).inputs as unknown as DnsRecordInputs)).toBe(
      true,
    );
  });

  it("a quoted CAA value with spaces inside the quotes survives read → check → diff", () => {
    // check sends '" letsencrypt.org "' as "letsencrypt.org" (unquoted and trimmed), which is what
    // the service then holds; reading it back must be no change.
    const user = {
      domain: "example.com",
      type: "CAA",
      subdomain: "@",
      tag: "issue",
      content: '" letsencrypt.org "',
    };
    const c: Case = { user, zoneOrgId: 5, record: caaRecord({ content: "letsencrypt.org" }) };
    expect(runCase(0, 0, c, y360).problems).toEqual([]);
  });
});
