#!/bin/sh
# Stands in for Prisma's schema-engine binary, which `prisma generate` asks for its version and
# would otherwise download (no network here). Generating the client needs nothing more from it;
# migrations are not run (the tests create their tables with plain SQL).
if [ "$1" = "--version" ]; then
  echo "schema-engine-cli 7.10.1"
  exit 0
fi
echo "prisma-schema-engine-stub: only --version is supported" >&2
exit 1
