#!/bin/sh
# Validate JUnit XML files against the JUnit schema with xmllint (libxml2-utils).
# usage: validate_junit.sh SCHEMA FILE...
set -u
schema=$1
shift
if ! command -v xmllint >/dev/null 2>&1; then
    echo "validate_junit: xmllint is missing (apt-get install libxml2-utils)" >&2
    exit 1
fi
if [ ! -f "$schema" ]; then
    echo "validate_junit: schema not found: $schema" >&2
    exit 1
fi
exec xmllint --noout --schema "$schema" "$@"
