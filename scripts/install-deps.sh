#!/usr/bin/env bash
# Installs every Debian 12 package stoq needs to build and test (idempotent).
#
# usage: scripts/install-deps.sh [--bench] [--list] [--check]
#   --bench   also install the optional benchmark tools (hyperfine)
#   --list    print the package list and exit
#   --check   exit 0 when everything is installed, 1 (naming what is missing) otherwise
#
# When every package is already installed, apt is not touched at all (no root needed).
# Otherwise, as root: apt-get update once, then apt-get install --no-install-recommends.
# THE package list lives here and nowhere else (README and CI call this script).
set -euo pipefail

# Build and test dependencies (see /work/shared/reference/dependencies.md for why each).
PACKAGES=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config file python3 zip
  # the Jinja2 oracle of the template engine's differential test (run with /usr/bin/python3)
  python3-jinja2
  # stoq install: exec: plugins in Python get their requirements.txt in a private venv (pip inside)
  python3-venv
  # libraries
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libssl-dev
  libmagic-dev libmagic-mgc libfuzzy-dev libyara-dev yara
  # extraction (issue 7): archives, compression, CHM/SZDD/KWAJ, PDF
  libarchive-dev zlib1g-dev libbz2-dev liblzma-dev libzstd-dev liblz4-dev libmspack-dev libqpdf-dev
  # independent oracles and fixture makers of the extraction tests (listings to compare with,
  # archives the tests build themselves)
  libarchive-tools 7zip cabextract gcab cpio zstd lz4 bzip2 xz-utils xorriso lhasa sharutils binutils
  qpdf python3-olefile libgsf-bin tnef unar
  # analysis workers and readers (issue 9): TLSH, EXIF, PDF text; and their oracles
  libtlsh-dev libexiv2-dev libpoppler-cpp-dev
  tlsh-tools ssdeep python3-pefile libimage-exiftool-perl poppler-utils
  # queue mode (issue 11): AMQP, Redis and Kafka clients, and the brokers the tests start
  # on loopback (scripts/services.sh; Kafka is librdkafka's in-process mock cluster)
  librabbitmq-dev libhiredis-dev librdkafka-dev rabbitmq-server redis-server
  # the AMQP command-line client the rabbitmq tests check the broker with
  amqp-tools
  # the Kafka command-line client a kafka connector test reads its topic with
  kcat
  # stores (issue 12): SQLite, PostgreSQL (and its server), MongoDB/GridFS, HTTP (Elasticsearch,
  # S3, Slack) and the HTTP server the tests fake them with; Node.js runs the S3 stand-in (s3rver,
  # from the npm registry, installed by scripts/services.sh)
  libsqlite3-dev sqlite3 libpq-dev libpqxx-dev postgresql libmongoc-dev libbson-dev
  libcurl4-openssl-dev libcpp-httplib-dev nodejs curl
  # the independent BSON codec the mongodb connector's documents are checked with
  python3-pymongo
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # fuzzing, format and lint
  clang clang-tidy clang-format
)
# Optional: only `make bench` asks for these (bench/run-corpus.sh falls back to `time`).
BENCH_PACKAGES=(hyperfine)

want=("${PACKAGES[@]}")
mode=install
for arg in "$@"; do
  case $arg in
    --bench) want+=("${BENCH_PACKAGES[@]}") ;;
    --list) mode=list ;;
    --check) mode=check ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ $mode == list ]]; then
  printf '%s\n' "${want[@]}"
  exit 0
fi

missing=()
for package in "${want[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages already installed"
  exit 0
fi
if [[ $mode == check ]]; then
  echo "install-deps: missing: ${missing[*]}" >&2
  exit 1
fi
if ((EUID != 0)); then
  echo "install-deps: these packages are missing: ${missing[*]}" >&2
  echo "install-deps: run as root (sudo $0) or: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

# Verify: a package apt could not find would otherwise only show up as a CMake error.
still=()
for package in "${missing[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ $status == installed ]] || still+=("$package")
done
if ((${#still[@]} > 0)); then
  echo "install-deps: still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: done"
