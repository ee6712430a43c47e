#!/bin/sh
# Fails the build if embedding the symbol table moved any code: the table of
# pass 1 must describe the image of pass 2.
set -eu
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT
nm -n "$1" | grep ' [tT] ' > "$a"
nm -n "$2" | grep ' [tT] ' > "$b"
if ! cmp -s "$a" "$b"; then
    echo "check-symtab: text symbols moved between link passes" >&2
    diff "$a" "$b" | head -20 >&2
    exit 1
fi
