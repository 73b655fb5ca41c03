#!/usr/bin/env bash
# Assembles the file system of Twofold's container base image without pulling from a
# registry: a jlink'ed Java runtime from the building JDK, the C libraries it links against
# (from the build machine's Debian packages), and an unprivileged user. Jib puts the result on
# top of an empty ("scratch") base; see the "container" profile in pom.xml.
#   usage: assemble-base.sh <output directory>
set -euo pipefail
out="$(realpath -m "$1")"
java_home="${JAVA_HOME:?JAVA_HOME must name a JDK 21 or newer}"
modules="java.base,java.sql,java.naming,java.management,java.net.http,java.xml,\
java.logging,java.security.jgss,java.security.sasl,jdk.crypto.ec,jdk.httpserver,\
jdk.unsupported,jdk.zipfs,jdk.localedata,java.instrument,jdk.management"

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files \
  --no-man-pages --include-locales=en,de --output "$out/opt/java"

# The dynamic loader and every shared library the runtime needs, at the same paths.
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2>/dev/null | awk '/=> \//{print $3}' \
  | grep -v "^$out" | sort -u | while read -r library; do
      mkdir -p "$out$(dirname "$library")"
      cp -L "$library" "$out$library"
    done
# libsodium, for native Argon2id (it needs only the C library); without it Java hashes.
sodium="$(ldconfig -p | awk '/libsodium\.so\.23 .*x86-64/{print $NF; exit}')"
if [ -n "$sodium" ]; then
  mkdir -p "$out/usr/lib/x86_64-linux-gnu"
  cp -L "$sodium" "$out/usr/lib/x86_64-linux-gnu/libsodium.so.23"
fi
# ld.so follows /lib64 to the loader; Debian's loader also lives under /lib/x86_64-linux-gnu.
loader="$(readlink -f /lib64/ld-linux-x86-64.so.2)"
mkdir -p "$out/lib64" "$out$(dirname "$loader")"
cp -L /lib64/ld-linux-x86-64.so.2 "$out/lib64/"
cp -L "$loader" "$out$loader"

printf 'root:x:0:0:root:/root:/sbin/nologin\ntwofold:x:65532:65532:twofold:/tmp:/sbin/nologin\n' \
  > "$out/etc/passwd"
printf 'root:x:0:\ntwofold:x:65532:\n' > "$out/etc/group"
echo "Base image file system assembled in $out ($(du -sh "$out" | cut -f1))"
