#!/bin/sh
# Compresses logs older than a week and deletes archives older than ninety days.
set -eu
dir=${1:-/var/log/myapp}
find "$dir" -name '*.log' -mtime +7 -exec gzip -9 {} \;
find "$dir" -name '*.log.gz' -mtime +90 -delete
echo "rotated logs in $dir"
