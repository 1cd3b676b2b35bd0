#!/usr/bin/env bash
# Regenerates the test hives of HiveTest from the .reg sources next to this script, with the real
# hivex tools (Debian: libhivex-bin), each merged onto libguestfs's empty 8 KiB minimal hive:
#   software.hive  <- software.reg (prefix HKEY_LOCAL_MACHINE\SOFTWARE)
#   system.hive    <- system.reg   (prefix HKEY_LOCAL_MACHINE\SYSTEM)
#   stress.hive.gz <- a .reg file written by this script: 600 subkeys under one key (a long lh
#                     list), a key with 300 values, values over 16 KiB, non-ASCII key and value
#                     names (hivex 1.3 writes large values as one cell and never writes li/ri
#                     lists or db records: HiveBuilder makes those). Gzipped: hivex leaves 2 MB of
#                     free cells behind while it grows the lh list.
# and, for each, NAME.export.reg[.gz] = `hivexregedit --export NAME.hive '\'` (UTF-8), the
# expectation HiveTest checks the reader against.
# Usage: generate.sh [MINIMAL_HIVE]   (default: ../shared/data/minimal.hive next to the checkout)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(git -C "$here" rev-parse --show-toplevel)"
minimal="${1:-$top/../shared/data/minimal.hive}"
[[ -r "$minimal" ]] || { echo "generate.sh: $minimal: no minimal hive (pass its path)" >&2; exit 1; }
command -v hivexregedit >/dev/null || { echo "generate.sh: hivexregedit not found (apt-get install libhivex-bin)" >&2; exit 1; }
# Perl reads the .reg files and writes the exports as UTF-8 (without this, non-ASCII names break).
export PERL_UNICODE=SD LC_ALL=C.UTF-8

write_stress_reg() {
    local i
    printf 'Windows Registry Editor Version 5.00\n\n'
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Many]\n"Count"=dword:%08x\n\n' 600
    for ((i = 0; i < 600; i++)); do
        printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Many\\Key%03d]\n"Index"=dword:%08x\n\n' "$i" "$i"
    done
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\ManyValues]\n'
    for ((i = 0; i < 300; i++)); do
        printf '"Value%03d"=str(1):"value number %d"\n' "$i" "$i"
    done
    printf '\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Big]\n'
    # 40000 bytes 00 01 .. ff 00 01 ..: three db segments (16344 + 16344 + 7312).
    printf '"Blob"=hex(3):'
    for ((i = 0; i < 40000; i++)); do printf '%02x' $((i % 256)); ((i < 39999)) && printf ','; done
    printf '\n'
    # Exactly one full segment's worth, and one byte more.
    printf '"Edge16344"=hex(3):'
    for ((i = 0; i < 16344; i++)); do printf '%02x' $((i * 7 % 256)); ((i < 16343)) && printf ','; done
    printf '\n"Edge16345"=hex(3):'
    for ((i = 0; i < 16345; i++)); do printf '%02x' $((i * 13 % 256)); ((i < 16344)) && printf ','; done
    printf '\n'
    # A REG_SZ of 9000 UTF-16 code units (18002 bytes with the NUL): a big-data string.
    printf '"LongString"="'
    for ((i = 0; i < 900; i++)); do printf 'abcdefghi%d' $((i % 10)); done
    printf '"\n\n'
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Ünïcödé ключ]\n'
    printf '@="default value"\n'
    printf '"Wert ä"="ü"\n'
    printf '"值"=dword:00000001\n'
    printf '"Καλημέρα"="κόσμε"\n\n'
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Ünïcödé ключ\\Café]\n\n'
    printf '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Ünïcödé ключ\\日本語]\n"Name"="名前"\n\n'
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
write_stress_reg >"$tmp/stress.reg"

build() { # NAME PREFIX REGFILE: $tmp/NAME.hive and $tmp/NAME.export.reg
    cp "$minimal" "$tmp/$1.hive"
    chmod u+w "$tmp/$1.hive"
    hivexregedit --merge "$tmp/$1.hive" --prefix "$2" "$3"
    hivexregedit --export "$tmp/$1.hive" '\' >"$tmp/$1.export.reg"
}
build software 'HKEY_LOCAL_MACHINE\SOFTWARE' "$here/software.reg"
build system 'HKEY_LOCAL_MACHINE\SYSTEM' "$here/system.reg"
build stress 'HKEY_LOCAL_MACHINE\SOFTWARE' "$tmp/stress.reg"
for name in software system; do
    cp "$tmp/$name.hive" "$tmp/$name.export.reg" "$here/"
done
gzip -n -9 -c "$tmp/stress.hive" >"$here/stress.hive.gz"
gzip -n -9 -c "$tmp/stress.export.reg" >"$here/stress.export.reg.gz"
