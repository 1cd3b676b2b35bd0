#!/usr/bin/env bash
# Regenerates the SQLite test databases of SqliteFileTest and RpmDatabaseTest with the sqlite3 CLI
# (Debian: apt-get install sqlite3). The tests only read the results (checked in, gzipped).
#   rpmdb.sqlite.gz        a copy of scripts/phony/linux-lvm/rpmdb.sqlite.gz (rpm's sqlite backend,
#                          five packages, 4096-byte pages); the source of the next three
#   rpmdb-512.sqlite.gz    the same database vacuumed into 512-byte pages: every header blob overflows
#   rpmdb-65536.sqlite.gz  ... into 65536-byte pages (the page size field holds 1)
#   utf16be.sqlite.gz      encoding UTF-16be: table Packages with the five blobs, table Notes with one
#                          non-ASCII text
#   rows.sqlite.gz         512-byte pages with 32 reserved bytes (usable size 480, sqlite's minimum),
#                          WAL mode (header bytes 18 and 19 are 2), 40 tables besides (so that
#                          sqlite_schema spans pages), table Packages with the rows 1..1500 that are
#                          not multiples of 7 and row 2^40: the blob of row I is "rI;" repeated, cut
#                          to (I * 193) % 3000 bytes; table Kinds with one value of each serial type
# Usage: generate-sqlite.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v sqlite3 >/dev/null || { echo "generate-sqlite.sh: sqlite3 not found (apt-get install sqlite3)" >&2; exit 1; }
tmp="$(mktemp -d "${TMPDIR:-/tmp}/generate-sqlite.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

gzip -d -c "$here/rpmdb.sqlite.gz" >"$tmp/rpmdb.sqlite"

for size in 512 65536; do
    cp "$tmp/rpmdb.sqlite" "$tmp/rpmdb-$size.sqlite"
    sqlite3 "$tmp/rpmdb-$size.sqlite" "PRAGMA page_size = $size; VACUUM;"
    sqlite3 "$tmp/rpmdb-$size.sqlite" "PRAGMA integrity_check;" | grep -qx ok
done

{
    printf '%s\n' "PRAGMA encoding = 'UTF-16be';" \
        "CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);"
    # (a database of another encoding cannot be attached: the blobs are copied as hex literals)
    sqlite3 "$tmp/rpmdb.sqlite" "SELECT 'INSERT INTO Packages VALUES (' || hnum || ', X''' || hex(blob) || ''');' FROM Packages;"
    printf '%s\n' "CREATE TABLE Notes (t TEXT);" "INSERT INTO Notes VALUES ('Grüße, 東京 😀');"
} | sqlite3 "$tmp/utf16be.sqlite"

sqlite3 "$tmp/rows.sqlite" "PRAGMA page_size = 512; CREATE TABLE x (a);"
sqlite3 "$tmp/rows.sqlite" ".filectrl reserve_bytes 32" "VACUUM;"
{
    for ((i = 0; i < 40; i++)); do
        printf 'CREATE TABLE Padding%02d (a_column_with_a_long_name_so_that_the_schema_needs_pages TEXT, b INTEGER);\n' "$i"
    done
    cat <<'EOF'
DROP TABLE x;
CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
INSERT INTO Packages (hnum, blob)
    SELECT i, CAST(substr(replace(hex(zeroblob((i * 193) % 3000)), '00', 'r' || i || ';'), 1, (i * 193) % 3000) AS BLOB)
    FROM n WHERE i % 7 != 0;
INSERT INTO Packages (hnum, blob) VALUES (1099511627776, CAST('last' AS BLOB));
CREATE TABLE Kinds (v);
INSERT INTO Kinds (v) VALUES (NULL), (0), (1), (127), (-128), (32767), (-32768), (8388607), (-8388608),
    (2147483647), (-2147483648), (140737488355327), (-140737488355328), (9223372036854775807),
    (-9223372036854775808), (2.5), (-1e300), ('héllo'), (''), (X'00ff'), (X'');
VACUUM;
PRAGMA journal_mode = WAL;
EOF
} | sqlite3 "$tmp/rows.sqlite" >/dev/null
[[ "$(sqlite3 "$tmp/rows.sqlite" 'PRAGMA integrity_check;')" == ok ]]
[[ ! -e "$tmp/rows.sqlite-wal" ]]

for name in rpmdb-512 rpmdb-65536 utf16be rows; do
    gzip -9 -n -c "$tmp/$name.sqlite" >"$here/$name.sqlite.gz"
done
ls -l "$here"/*.sqlite.gz
