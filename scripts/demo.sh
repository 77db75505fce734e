#!/usr/bin/env bash
# `npm run demo`: deploys the quickstart (the repository's root Pulumi.yaml, whose program is
# examples/quickstart) to the Yandex 360 face of a local pdd-emulator (organization 1234567), prints the
# stack outputs and the emulator's records, then destroys the stack and cleans up.
#
# With the Pulumi CLI on PATH: a real `pulumi up` and `pulumi destroy`. That touches nothing outside a
# temporary folder except a transient Pulumi.demo.yaml and, when absent, a link that lets the quickstart
# import this checkout as `pulumi-yandex-pdd` (both removed on exit).
#
# Without it: scripts/demo-engine.ts runs the same program, with the same settings, through Pulumi's
# own dynamic provider host, driven over gRPC as the engine drives it (the engine tests' harness).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v pulumi >/dev/null 2>&1; then
  exec node --enable-source-maps -r ./bench/register.js scripts/demo-engine.ts
fi

STACK=demo
STACK_FILE="$ROOT/Pulumi.$STACK.yaml"
QUICKSTART_MODULES="$ROOT/examples/quickstart/node_modules"
LINK="$QUICKSTART_MODULES/pulumi-yandex-pdd"
TOKEN=dev-token
DOMAIN=example.com
# The emulator's default Yandex 360 organization, which gets the --domain names.
ORG_ID=1234567

if [ -e "$STACK_FILE" ]; then
  echo "demo: $STACK_FILE already exists (left by an earlier run?); remove it and run again." >&2
  exit 1
fi
if [ -e "$QUICKSTART_MODULES/@pulumi" ]; then
  # A second @pulumi/pulumi next to the quickstart would not be the one the program runs under.
  echo "demo: examples/quickstart/node_modules has its own packages (from an npm install there);" \
    "remove that folder and run again." >&2
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pdd-demo.XXXXXX")"
PIDS=()
MADE_LINK=false
STACK_CREATED=false

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$STACK_CREATED" = true ]; then
    # Only reached when the demo stopped half-way: take down whatever is still deployed.
    pulumi destroy --yes --skip-preview --non-interactive --stack "$STACK" >/dev/null 2>&1 || true
    pulumi stack rm --yes --force --non-interactive "$STACK" >/dev/null 2>&1 || true
  fi
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do
    kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -f "$STACK_FILE"
  if [ "$MADE_LINK" = true ]; then
    rm -f "$LINK"
    rmdir "$QUICKSTART_MODULES" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n==> %s\n' "$*"; }

step "Building the package"
npm run --silent build

# The quickstart imports `pulumi-yandex-pdd` as a user's program does. Its folder has its own
# package.json, so the package's self-reference does not reach it; link this checkout in instead
# (what `npm link` would do, without touching the global prefix).
if [ ! -e "$LINK" ]; then
  mkdir -p "$QUICKSTART_MODULES"
  ln -s ../../.. "$LINK"
  MADE_LINK=true
fi

step "Starting pdd-emulator (domain $DOMAIN in Yandex 360 organization $ORG_ID)"
node dist/emulator/cli.js --port 0 --token "$TOKEN" --domain "$DOMAIN" >"$WORK/emulator.log" 2>&1 &
PIDS+=($!)

EMULATOR_URL=""
for _ in $(seq 1 100); do
  EMULATOR_URL="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/emulator.log" | head -n 1 || true)"
  if [ -n "$EMULATOR_URL" ]; then break; fi
  sleep 0.1
done
if [ -z "$EMULATOR_URL" ]; then
  echo "demo: pdd-emulator did not start:" >&2
  cat "$WORK/emulator.log" >&2
  exit 1
fi
echo "pdd-emulator: $EMULATOR_URL (Yandex 360 API under $EMULATOR_URL/directory/v1/)"

step "Logging in to a local file backend in $WORK"
# A private PULUMI_HOME keeps your own `pulumi login` and stack selection untouched.
export PULUMI_HOME="$WORK/pulumi-home"
export PULUMI_CONFIG_PASSPHRASE="pdd-demo"
export PULUMI_SKIP_UPDATE_CHECK=true
mkdir -p "$WORK/state"
pulumi login "file://$WORK/state"

step "Creating stack $STACK"
pulumi stack init "$STACK" --non-interactive
STACK_CREATED=true
# The settings of Pulumi.dev.yaml, with the emulator's actual port. The token is the emulator's
# development token, so plain text is fine; for the real service use `--secret`.
pulumi config set-all --stack "$STACK" \
  --plaintext "pdd:api=yandex360" \
  --plaintext "pdd:orgId=$ORG_ID" \
  --plaintext "pdd:endpoint=$EMULATOR_URL" \
  --plaintext "pdd:token=$TOKEN" \
  --plaintext "pdd-quickstart:domain=$DOMAIN"

step "pulumi up"
pulumi up --yes --non-interactive --stack "$STACK"

step "Stack outputs"
pulumi stack output --json --stack "$STACK"

print_records() {
  # shellcheck disable=SC2016 # the ${...} are JavaScript template literals
  curl -fsS "$EMULATOR_URL/_emulator/state" | node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => {
      for (const domain of JSON.parse(text).domains) {
        console.log(`${domain.name} (organization ${domain.orgId})`);
        for (const r of domain.records) {
          const priority = r.priority === "" ? "" : ` priority=${r.priority}`;
          const content = r.type === "CAA" ? `${r.flag} ${r.tag} "${r.content}"` : r.content;
          console.log(`  #${r.record_id} ${r.type.padEnd(5)} ${r.subdomain.padEnd(12)} ${content} ttl=${r.ttl}${priority}`);
        }
      }
    });'
}

step "The emulator's records after pulumi up"
print_records

step "pulumi destroy"
pulumi destroy --yes --non-interactive --stack "$STACK"
pulumi stack rm --yes --non-interactive "$STACK"
STACK_CREATED=false

step "The emulator's records after pulumi destroy (the adopted MX and SPF records are retained)"
print_records

step "Done"
