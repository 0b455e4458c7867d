#!/usr/bin/env bash
# Mails per second to a local SMTP server: starts Python's aiosmtpd as a sink on a free
# port, then runs the mailbench example against it.
# Usage: scripts/mailbench.sh [MAILS] [SENDERS]   (pip install aiosmtpd first)
set -euo pipefail
mails=${1:-2000}
senders=${2:-1}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Sink &
sink=$!
trap 'kill $sink 2>/dev/null' EXIT
for _ in $(seq 50); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
cargo run -q --release -p askpro --example mailbench -- "smtp://127.0.0.1:$port" "$mails" "$senders"
