# Rasa custom action: hand the conversation to a Genesys agent through genesys-handover.
# Put in your Rasa project's actions/ and list `action_handover` in domain.yml. The agent's side
# arrives at webhook_receiver.py, which posts it back into this conversation.
# UNTESTED here: rasa_sdk could not be installed on the machine this was written on (no PyPI access);
# the HTTP calls it makes are the ones examples/low-code/handover.http shows, which a test runs.
import json
import os
import urllib.request

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

GATEWAY = os.environ.get("HANDOVER_GATEWAY_URL", "http://127.0.0.1:8080")
API_KEY = os.environ["HANDOVER_API_KEY"]
ENDPOINT = os.environ.get("HANDOVER_ENDPOINT", "support")


def call(method, path, body=None, headers=None):
    request = urllib.request.Request(
        f"{GATEWAY}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": f"Bearer {API_KEY}", "content-type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


class ActionHandover(Action):
    def name(self):
        return "action_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain):
        transcript = [
            {"role": "customer" if e["event"] == "user" else "bot", "text": e["text"]}
            for e in tracker.events
            if e.get("event") in ("user", "bot") and e.get("text")
        ][-100:]
        handover = call(
            "POST",
            "/v1/handovers",
            {
                "endpoint": ENDPOINT,
                # sender_id is the Rasa conversation: the receiver posts the agent's side back to it.
                "customer": {"userId": tracker.sender_id, "sessionId": tracker.sender_id},
                "transcript": transcript,
            },
        )
        dispatcher.utter_message(text="I am getting you a person. One moment…")
        return [{"event": "slot", "name": "handover_id", "value": handover["id"]}]


class ActionRelayToAgent(Action):
    """While `handover_id` is set, route the user's messages here (a rule on the slot)."""

    def name(self):
        return "action_relay_to_agent"

    def run(self, dispatcher, tracker, domain):
        handover_id = tracker.get_slot("handover_id")
        message = tracker.latest_message
        call(
            "POST",
            f"/v1/handovers/{handover_id}/messages",
            {"text": message.get("text", "")},
            # Rasa's message id: a retry of this action does not send the line twice.
            {"idempotency-key": message.get("message_id") or os.urandom(8).hex()},
        )
        return []
