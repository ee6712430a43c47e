#!/bin/sh
# gen-symtab.sh IMAGE GENERATOR OUTPUT: the symbol table of IMAGE as assembly.
set -eu
tmp="$3.tmp"
nm -n -C "$1" | "$2" > "$tmp"
mv "$tmp" "$3"
