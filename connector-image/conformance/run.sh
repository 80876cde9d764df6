#!/usr/bin/env bash
# DSP 2025-1 conformance: runs the Eclipse Dataspace TCK's test modules (catalog, contract negotiation,
# transfer process; resolved from Maven by pom.xml) on the JUnit platform against the Musubi connector,
# started from its compiled dist/ in the tck-conformance profile on 127.0.0.1. Prints passed/failed per
# suite and in total, and exits non-zero when a case fails that known-failures.mjs does not list.
#
# Needs: Java 17+, Maven (first run online; later runs use ~/.m2), Node 20, curl.
# Environment:
#   TCK_ONLY             a regex on the TCK's case names to run only those (e.g. 'CN:01-0[1-3]');
#                        a filtered run is not a conformance result and its counts say so.
#   TCK_WAIT_SECONDS     how long the TCK waits for each expected message (default 5).
#   TCK_TIMEOUT_SECONDS  bound on the whole TCK run (default 480).
#   TCK_SKIP_BUILD=1     do not run `tsc -b` (the caller built the connector).
#   KEEP_WORK=1          keep the scratch directory (connector log, TCK log, configuration).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
connector_dir="$(cd "$here/.." && pwd)"
repo_dir="$(cd "$connector_dir/.." && pwd)"
timeout_seconds="${TCK_TIMEOUT_SECONDS:-480}"
wait_seconds="${TCK_WAIT_SECONDS:-5}"
work="$(mktemp -d "${TMPDIR:-/tmp}/musubi-tck.XXXXXX")"
connector_pid=""
started=$SECONDS

cleanup() {
  if [[ -n "$connector_pid" ]] && kill -0 "$connector_pid" 2>/dev/null; then
    kill -TERM "$connector_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$connector_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$connector_pid" 2>/dev/null || true
    wait "$connector_pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_WORK:-0}" != "1" ]]; then rm -rf "$work"; else echo "conformance: scratch directory kept at $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "conformance: $*" >&2; exit 2; }

command -v java >/dev/null || fail "java (17+) is not on PATH; install a JDK 17"
command -v mvn >/dev/null || fail "mvn is not on PATH; install Maven"
command -v node >/dev/null || fail "node (20+) is not on PATH"
command -v curl >/dev/null || fail "curl is not on PATH"

# 1. The TCK modules and their runtime classpath, re-resolved whenever pom.xml changes. Offline first:
#    after one online run everything is in ~/.m2.
lib="$here/target/tck-lib"
stamp="$here/target/tck-lib.pom.sha256"
pom_sum="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$pom_sum" || -z "$(ls -A "$lib" 2>/dev/null)" ]]; then
  echo "conformance: resolving the DSP TCK modules with Maven"
  rm -rf "$lib"
  resolve() { mvn -B -q "$@" -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >"$work/maven.log" 2>&1; }
  if ! resolve -o && ! resolve; then
    tail -20 "$work/maven.log" >&2
    rm -rf "$lib"
    fail "Maven could not resolve the DSP TCK modules pinned in connector-image/conformance/pom.xml; see the lines above"
  fi
  echo "$pom_sum" >"$stamp"
fi

# 2. The connector, compiled (incrementally) unless the caller already did.
if [[ "${TCK_SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$repo_dir" && npx tsc -b connector-image) >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; fail "the connector does not compile (npx tsc -b connector-image); see the lines above"; }
fi
[[ -f "$connector_dir/dist/main.js" ]] || fail "connector-image/dist/main.js is missing; build it: npx tsc -b connector-image"

# 3. Free loopback ports for the connector's listeners, its TCK triggers and the TCK's callback endpoint.
read -r dsp_port management_port metrics_port trigger_port callback_port < <(node -e '
  const net = require("node:net");
  const servers = Array.from({ length: 5 }, () => net.createServer());
  Promise.all(servers.map((s) => new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s.address().port)))))
    .then((ports) => { console.log(ports.join(" ")); servers.forEach((s) => s.close()); });
')

# 4. The connector in the tck-conformance profile. The header is random per run: only this TCK run knows it.
tck_auth="TckStatic $(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/management-token"
printf '{"source":"musubi tck dataset"}\n' >"$work/data.json"
substitute() {
  sed -e "s|@WORK@|$work|g" -e "s|@TCK_AUTH@|$tck_auth|g" -e "s|@DSP_PORT@|$dsp_port|g" \
      -e "s|@MANAGEMENT_PORT@|$management_port|g" -e "s|@METRICS_PORT@|$metrics_port|g" \
      -e "s|@TRIGGER_PORT@|$trigger_port|g" -e "s|@CALLBACK_PORT@|$callback_port|g" -e "s|@WAIT_SECONDS@|$wait_seconds|g" "$1"
}
substitute "$here/connector.tck.yaml" >"$work/connector.yaml"
substitute "$here/tck.properties" >"$work/tck.properties"

MUSUBI_CONNECTOR_CONFIG="$work/connector.yaml" node "$connector_dir/dist/main.js" >"$work/connector.log" 2>&1 &
connector_pid=$!

ready=""
for _ in $(seq 1 100); do
  if ! kill -0 "$connector_pid" 2>/dev/null; then tail -20 "$work/connector.log" >&2; fail "the connector exited during start; its log is above"; fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$metrics_port/readyz" 2>/dev/null; then ready=yes; break; fi
  sleep 0.2
done
[[ -n "$ready" ]] || { tail -20 "$work/connector.log" >&2; fail "the connector was not ready on 127.0.0.1:$metrics_port within 20 s"; }
echo "conformance: connector ready (tck-conformance profile, DSP on 127.0.0.1:$dsp_port)"

# 5. The TCK, on the JUnit platform. RunDspTck.java runs in Java's source-file mode: nothing to compile.
mkdir -p "$here/target"
only=()
[[ -n "${TCK_ONLY:-}" ]] && only=("$TCK_ONLY")
set +e
timeout --foreground "$timeout_seconds" java -cp "$lib/*" "$here/RunDspTck.java" "$work/tck.properties" "${only[@]}" >"$work/tck.log" 2>&1
tck_exit=$?
set -e
cp "$work/tck.log" "$here/target/tck.log"
cp "$work/connector.log" "$here/target/connector.log"
[[ $tck_exit -eq 124 ]] && fail "the TCK did not finish within ${timeout_seconds} s; see connector-image/conformance/target/tck.log"
[[ $tck_exit -ne 0 ]] && { tail -30 "$work/tck.log" >&2; fail "the TCK exited with $tck_exit before reporting; its log is above"; }

# 6. Counts per suite; the exit status says whether any failure is not a known one.
set +e
node "$here/summarize.mjs" "$work/tck.log" ${TCK_ONLY:+--filtered}
summary_exit=$?
set -e
echo "conformance: finished in $((SECONDS - started)) s; logs in connector-image/conformance/target/{tck,connector}.log"
exit $summary_exit
