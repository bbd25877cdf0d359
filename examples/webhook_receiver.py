"""A webhook receiver: checks each delivery's signature, refuses stale ones, and handles each event once.

    SIMPUL_WEBHOOK_SECRET=… python3 examples/webhook_receiver.py --port 9000 [--count N]

Register its address with `registerWebhook(input: {url, secret, events})`. Simpul signs `<timestamp>.<body>` with
HMAC-SHA256 and the endpoint's secret (`X-Simpul-Signature: sha256=<hex>`, `X-Simpul-Timestamp`), delivers at
least once and retries failures, so the receiver deduplicates by `X-Simpul-Event-Id`. With `--count N` it stops
after N distinct events (for a test); it prints one line per event.
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

# Deliveries signed more than five minutes away from now are refused: a replayed old request is not news.
TOLERANCE_SECONDS = 300


def signature_ok(secret, timestamp, body, header):
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=0)
    args = parser.parse_args()
    secret = os.environ.get("SIMPUL_WEBHOOK_SECRET") or sys.exit("set SIMPUL_WEBHOOK_SECRET")
    seen = set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            timestamp = self.headers.get("X-Simpul-Timestamp", "0")
            if not signature_ok(secret, timestamp, body, self.headers.get("X-Simpul-Signature")):
                self.send_response(401)
                self.end_headers()
                return
            if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
                self.send_response(400)
                self.end_headers()
                return
            event_id = self.headers.get("X-Simpul-Event-Id")
            if event_id not in seen:
                seen.add(event_id)
                event = json.loads(body)
                # The body carries no personal data: read the application with your own key if you need more.
                print(f"{event['kind']} {event['applicationId']} #{event['sequence']}", flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = HTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on {args.port}", flush=True)
    while not args.count or len(seen) < args.count:
        server.handle_request()


if __name__ == "__main__":
    main()
