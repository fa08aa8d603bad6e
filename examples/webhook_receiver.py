import json
from http.server import BaseHTTPRequestHandler, HTTPServer

from renderowl.webhooks import WebhookVerificationError, verify

SECRET = "whsec_…"  # returned once by POST /api/v1/webhooks


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))  # the raw bytes, as received
        try:
            verify(body, dict(self.headers), SECRET)
            event = json.loads(body)
            print(event["type"], event["data"]["id"], self.headers["webhook-id"])  # dedupe on webhook-id
            self.send_response(204)
        except WebhookVerificationError:
            self.send_response(401)
        self.end_headers()


HTTPServer(("", 8080), Receiver).serve_forever()
