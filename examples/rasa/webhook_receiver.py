# The gateway's webhooks → the Rasa conversation. Verifies each delivery (Standard Webhooks:
# HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" with the secret's key), drops duplicates
# by event id, and posts the agent's messages into the conversation with Rasa's HTTP API
# (`POST /conversations/{sender_id}/trigger_intent`; your domain maps the intent to an utterance or
# action that shows `agent_text`). The standard library only: python3 webhook_receiver.py
# UNTESTED here with a running Rasa (not installable on this machine); see README.md.
import base64
import hashlib
import hmac
import json
import os
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["HANDOVER_WEBHOOK_SECRET"]  # whsec_…
RASA = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
KEY = base64.b64decode(SECRET.removeprefix("whsec_"))
seen = set()  # use a store with expiry in production


def verified(headers, body):
    msg_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
        return False
    expected = base64.b64encode(hmac.new(KEY, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()).decode()
    signatures = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split() if s.startswith("v1,")]
    return any(hmac.compare_digest(expected, s) for s in signatures)


def trigger(sender_id, intent, entities):
    request = urllib.request.Request(
        f"{RASA}/conversations/{sender_id}/trigger_intent?output_channel=latest",
        method="POST",
        data=json.dumps({"name": intent, "entities": entities}).encode(),
        headers={"content-type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if not verified(self.headers, body):
            self.send_response(400)
            self.end_headers()
            return
        event = json.loads(body)
        if event["id"] not in seen:
            if event["type"] == "handover.agent_message":
                trigger(event["userId"], "agent_message", {"agent_text": event["data"]["text"]})
            elif event["type"] in ("handover.ended", "handover.failed"):
                trigger(event["userId"], "handover_ended", {})
            seen.add(event["id"])
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "5056"))), Receiver).serve_forever()
