"""A scripted AWS JSON 1.1 endpoint for the client's tests, on 127.0.0.1.

It answers the signed POSTs with the replies of a script, in order, and
records every request it received (path, headers, body). The test drives it
over two unsigned paths:

  POST /__script    replaces the queue of replies with the JSON list sent:
                    {"status": 200, "body": {...} | "raw": "...",
                     "headers": {...}, "sleep": seconds}
  GET  /__requests  returns the recorded requests and forgets them

With an empty queue it answers 500 "script exhausted". It prints its port
on the first line and exits when its standard input closes, so a test that
dies takes it along.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
queue = []
requests = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        if self.path == "/__requests":
            with lock:
                out = list(requests)
                requests.clear()
            self.reply(200, json.dumps(out))
        else:
            self.reply(404, "{}")

    def do_POST(self):
        body = self.read_body()
        if self.path == "/__script":
            with lock:
                queue[:] = json.loads(body)
            self.reply(200, "{}")
            return
        try:
            doc = json.loads(body) if body else None
        except ValueError:
            doc = body.decode("latin-1")
        with lock:
            requests.append({"path": self.path,
                             "headers": {k.lower(): v for k, v in self.headers.items()},
                             "body": doc})
            step = queue.pop(0) if queue else None
        if step is None:
            self.reply(500, json.dumps({"__type": "InternalFailure",
                                        "message": "script exhausted"}),
                       {"Content-Type": "application/x-amz-json-1.1"})
            return
        if step.get("sleep"):
            time.sleep(step["sleep"])
        raw = step["raw"] if "raw" in step else json.dumps(step.get("body", {}))
        headers = {"Content-Type": "application/x-amz-json-1.1",
                   "x-amzn-RequestId": "req-%d" % len(requests)}
        headers.update(step.get("headers", {}))
        self.reply(step.get("status", 200), raw, headers)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
