# Shared by scripts/*.sh: work from the repository root, install dependencies when they are missing or
# stale, and put the project's own Node 24 (the `node` npm package) first on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false SCARF_ANALYTICS=false KAFKAJS_NO_PARTITIONER_WARNING=1

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "missing '$1': $2" >&2
    exit 1
  }
}

ensure_deps() {
  need npm "install Node.js (any version >= 18; the project brings its own Node 24)"
  need java "install a Java 17+ runtime (the Kafka broker runs on it), e.g. apt-get install openjdk-17-jre-headless"
  need mvn "install Apache Maven (it fetches the Kafka broker jars from Maven Central), e.g. apt-get install maven"
  if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # `npm install` with the committed lockfile rather than `npm ci`: the registry these machines reach
    # lacks some other platforms' optional binaries (e.g. @bufbuild/buf-darwin-arm64@1.75.0), so no
    # lockfile written here lists them and `npm ci` rejects it as out of sync. The versions still come from
    # the lockfile, and every direct dependency is pinned exactly.
    echo "==> npm install (from package-lock.json)"
    npm install --no-audit --no-fund
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
  case "$(node --version)" in
    v24.*) ;;
    *) echo "expected the project's Node 24 first on PATH, got $(node --version)" >&2; exit 1 ;;
  esac
}

# The independent peers the interoperability tests talk to (docs/conformance): Debian packages. Installed
# when missing and this user may (root with apt-get); otherwise the tests that need them say what to install.
#   python3-hl7     mllp_send, an HL7 v2 MLLP client written by others (HL7 tests send real messages with it)
#   dcmtk           echoscu, storescu, dcmsend, findscu, movescu, getscu, storescp, dump2dcm (DICOM peers)
#   python3-odil    an MPPS SCU (N-CREATE/N-SET) for the archive's MPPS tests
#   python3-pydicom its sample files, in every common transfer syntax, are what the storage tests send
#   orthanc         the downstream PACS the archive forwards to
ensure_test_peers() {
  local missing=()
  command -v mllp_send >/dev/null 2>&1 || missing+=(python3-hl7)
  command -v storescu >/dev/null 2>&1 || missing+=(dcmtk)
  /usr/bin/python3 -c 'import odil' >/dev/null 2>&1 || missing+=(python3-odil)
  [ -d /usr/lib/python3/dist-packages/pydicom/data/test_files ] || missing+=(python3-pydicom)
  command -v Orthanc >/dev/null 2>&1 || [ -x /usr/sbin/Orthanc ] || missing+=(orthanc)
  command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
  command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> apt-get install ${missing[*]} (interoperability test peers)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing test peers: ${missing[*]} (install with: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
}

step() {
  echo
  echo "==> $*"
}
