#!/bin/sh
# Stands in for `gunicorn shop.wsgi`: prints the version the image was built with.
echo "shop $(cat /app/VERSION) listening on :8000 $*"
