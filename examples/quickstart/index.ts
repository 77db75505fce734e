// Quickstart: the DNS records, logo and import check of one Yandex Mail for Domain (PDD) domain.
//
// Credentials come from the stack config (`pdd:token`, a secret, and `pdd:endpoint`) or from the
// PDD_TOKEN and PDD_ENDPOINT environment variables. See README.md for running it against pdd-emulator.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as pdd from "pulumi-yandex-pdd";

const config = new pulumi.Config();
/** The domain on the PDD account. */
const domain = config.get("domain") ?? "example.com";
/** The web server's address (203.0.113.0/24 is reserved for documentation). */
const webIp = config.get("webIp") ?? "203.0.113.10";

// Web: the apex and www point at the web server.
const apex = new pdd.PddDnsRecord("apex", { domain, type: "A", subdomain: "@", content: webIp, ttl: 3600 });
const www = new pdd.PddDnsRecord("www", { domain, type: "A", subdomain: "www", content: webIp, ttl: 3600 });

// Mail: every domain connected to Yandex Mail for Domain already has these two records (Yandex
// creates MX mx.yandex.net. and this SPF record when the domain is connected, and pdd-emulator seeds
// them too). A plain create would fail with `record_exists`; `adoptExisting: true` takes the existing
// records over instead. `retainOnDelete` leaves them in place on `pulumi destroy`, since the domain's
// mail would stop working without them.
const mx = new pdd.PddDnsRecord(
  "mx",
  { domain, type: "MX", subdomain: "@", content: "mx.yandex.net.", priority: 10, adoptExisting: true },
  { retainOnDelete: true },
);
const spf = new pdd.PddDnsRecord(
  "spf",
  { domain, type: "TXT", subdomain: "@", content: "v=spf1 redirect=_spf.yandex.net", adoptExisting: true },
  { retainOnDelete: true },
);

// The logo in the corner of every mailbox of the domain. The path is absolute because the provider
// resolves relative paths against the working directory of `pulumi`, which need not be this folder.
const logo = new pdd.PddDomainLogo("logo", { domain, file: path.join(__dirname, "logo.png") });

// Optional: prove Yandex can reach the mail server mailboxes will be imported from. Set
// `importServer` (and `importPort`, `importSsl` when they are not IMAP over SSL on 993) to enable it.
const importServer = config.get("importServer");
const importCheck =
  importServer === undefined
    ? undefined
    : new pdd.PddImportCheck("import-check", {
        domain,
        server: importServer,
        method: "imap",
        ssl: config.getBoolean("importSsl") ?? true,
        port: config.getNumber("importPort"),
      });

// Every domain on the account, read through the API when the program runs.
const account = pdd.getPddDomainsOutput();

export const records = {
  apex: apex.fqdn,
  www: www.fqdn,
  mx: pulumi.interpolate`${mx.fqdn} MX ${mx.priority} ${mx.content}`,
  spf: spf.content,
};
export const recordIds = [apex.id, www.id, mx.id, spf.id];
export const logoUrl = logo.logoUrl;
export const importCheckedAt = importCheck?.checkedAt;
export const accountDomains = account.domains.apply((domains) => domains.map((d) => d.name));
export const domainStatus = account.domains.apply(
  (domains) => domains.find((d) => d.name === domain)?.status ?? "not on this account",
);
