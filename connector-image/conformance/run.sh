#!/usr/bin/env bash
# DSP 2025-1 conformance: runs the Eclipse Dataspace TCK (dsp-tck, resolved from Maven Central by
# pom.xml) against the Musubi connector started from its compiled dist/ in the tck-conformance profile
# on 127.0.0.1, then prints passed/failed counts per suite and exits non-zero on any failure. The TCK
# itself exits 0 even when cases fail, so its summary is what decides.
#
# Needs: Java 17+, Maven, Node 20, a built connector (npx tsc -b connector-image).
# Environment: TCK_TIMEOUT_SECONDS (default 900), KEEP_WORK=1 to keep the scratch directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
connector_dir="$(cd "$here/.." && pwd)"
timeout_seconds="${TCK_TIMEOUT_SECONDS:-900}"
work="$(mktemp -d "${TMPDIR:-/tmp}/musubi-tck.XXXXXX")"
connector_pid=""

cleanup() {
  if [[ -n "$connector_pid" ]] && kill -0 "$connector_pid" 2>/dev/null; then
    kill -TERM "$connector_pid" 2>/dev/null || true
    wait "$connector_pid" 2>/dev/null || true
  fi
  if [[ "${KEEP_WORK:-0}" != "1" ]]; then rm -rf "$work"; else echo "conformance: scratch directory kept at $work"; fi
}
trap cleanup EXIT

fail() { echo "conformance: $*" >&2; exit 2; }

command -v java >/dev/null || fail "java (17+) is not on PATH; install a JDK 17"
command -v mvn >/dev/null || fail "mvn is not on PATH; install Maven"
[[ -f "$connector_dir/dist/main.js" ]] || fail "connector-image/dist/main.js is missing; build it first: npx tsc -b connector-image"

# 1. The TCK and its runtime classpath.
lib="$here/target/tck-lib"
if [[ -z "$(ls -A "$lib" 2>/dev/null)" ]]; then
  echo "conformance: resolving the DSP TCK with Maven"
  if ! mvn -B -q -U -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib" >"$work/maven.log" 2>&1; then
    tail -20 "$work/maven.log" >&2
    rm -rf "$lib"
    fail "Maven could not resolve org.eclipse.dataspacetck.dsp:dsp-tck (version in pom.xml); see the lines above"
  fi
fi

# 2. The connector in the tck-conformance profile. The header is random per run: only this TCK run knows it.
tck_auth="TckStatic $(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/management-token"
printf '{"source":"musubi tck dataset"}\n' >"$work/data.json"
sed -e "s|@WORK@|$work|g" -e "s|@TCK_AUTH@|$tck_auth|g" "$here/connector.tck.yaml" >"$work/connector.yaml"
sed -e "s|@TCK_AUTH@|$tck_auth|g" "$here/tck.properties" >"$work/tck.properties"

MUSUBI_CONNECTOR_CONFIG="$work/connector.yaml" node "$connector_dir/dist/main.js" >"$work/connector.log" 2>&1 &
connector_pid=$!

ready=""
for _ in $(seq 1 100); do
  if ! kill -0 "$connector_pid" 2>/dev/null; then tail -20 "$work/connector.log" >&2; fail "the connector exited during start; its log is above"; fi
  if curl -fsS -o /dev/null http://127.0.0.1:9464/readyz 2>/dev/null; then ready=yes; break; fi
  sleep 0.2
done
[[ -n "$ready" ]] || { tail -20 "$work/connector.log" >&2; fail "the connector was not ready on 127.0.0.1:9464 within 20 s"; }
echo "conformance: connector ready (tck-conformance profile)"

# 3. The TCK.
set +e
timeout "$timeout_seconds" java -cp "$lib/*" org.eclipse.dataspacetck.dsp.suite.DspTckSuite -config "$work/tck.properties" >"$work/tck.log" 2>&1
tck_exit=$?
set -e
cp "$work/tck.log" "$here/target/tck.log" 2>/dev/null || true
[[ $tck_exit -eq 124 ]] && fail "the TCK did not finish within ${timeout_seconds} s; see connector-image/conformance/target/tck.log"
[[ $tck_exit -ne 0 ]] && { tail -30 "$work/tck.log" >&2; fail "the TCK exited with $tck_exit before reporting; its log is above"; }

# 4. Counts: the overall summary, and per suite from the failure list (case names start CAT:, CN:, CN_C:, TP:, TP_C:, MET:).
node "$here/summarize.mjs" "$work/tck.log"
