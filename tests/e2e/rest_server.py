"""A REST API for the rest_api source's tests, on 127.0.0.1 only.

Serves chess.com-shaped player profiles, archives and games under /pub/
(the months offered are read from months.json in the folder given; the
archives fetched are appended to archives.log), the same seven items through every paginator dlt knows, behind
bearer, API-key and basic auth, plus answers a source must fail on (401,
403, 404, non-JSON, a redirect loop, a failure on the second page) and a
429 with Retry-After. Events for the incremental test are read from
events.json in the folder given, so a test can add some between runs; the
`since` values asked for are appended to since.log there. /switch/items
answers as the file `switch` there says: 401, 404, notjson, loop, or (when
absent or anything else) the seven items, behind the query API key.

usage: rest_server.py FOLDER   (writes FOLDER/port once listening)
"""
import base64
import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FOLDER = sys.argv[1]
TOKEN = "s3cret-token"
API_KEY = "k3y-value"
ITEMS = [{"id": i, "name": "item %d" % i, "tags": ["t%d" % i]} for i in range(1, 8)]
seen = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=None, raw=False):
        data = body.encode() if raw else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if raw else "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def base(self):
        return "http://127.0.0.1:%d" % self.server.server_port

    def authorized(self, q):
        auth = self.headers.get("Authorization", "")
        if self.path.startswith("/apikey/"):
            return q.get("api_key") == API_KEY
        if self.path.startswith("/basic/"):
            return auth == "Basic " + base64.b64encode(b"ann:pa55").decode()
        return auth == "Bearer " + TOKEN

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        path = url.path
        if path == "/loop":
            return self.answer(302, {}, {"Location": "/loop"})
        if path == "/notjson":
            return self.answer(200, "<html>maintenance</html>", raw=True)
        if path == "/forbidden":
            return self.answer(403, {"error": "forbidden"})
        if path == "/switch/items":
            return self.switch(q)
        if path == "/events":
            with open(os.path.join(FOLDER, "events.json")) as f:
                events = json.load(f)
            since = q.get("since", "")
            with open(os.path.join(FOLDER, "since.log"), "a") as f:
                f.write(since + "\n")
            return self.answer(200, [e for e in events if e["updated_at"] >= since])
        if path.startswith("/pub/player/"):
            return self.chess(path[len("/pub/player/"):].split("/"))
        if path.startswith("/pub/"):
            return self.answer(404, {"code": 0, "message": "not found"})
        if path.startswith("/items/"):
            if not self.authorized(q):
                return self.answer(401, {"error": "unauthorized"})
            i = int(path[len("/items/"):])
            return self.answer(200, {"id": i, "detail": "detail of %d" % i})
        if not self.authorized(q):
            return self.answer(401, {"error": "unauthorized"})
        page = int(q.get("page", "1"))
        if path == "/json_link/items":
            nxt = self.base() + "/json_link/items?page=%d" % (page + 1) if page < 3 else None
            return self.answer(200, {"items": ITEMS[(page - 1) * 3:page * 3], "next": nxt})
        if path == "/header_link/items":
            headers = {}
            if page < 3:
                headers["Link"] = '<%s/header_link/items?page=%d>; rel="next", <%s/x>; rel="last"' % (
                    self.base(), page + 1, self.base())
            return self.answer(200, ITEMS[(page - 1) * 3:page * 3], headers)
        if path == "/offset/items":
            off, lim = int(q["offset"]), int(q["limit"])
            return self.answer(200, {"data": ITEMS[off:off + lim], "total": len(ITEMS)})
        if path == "/page/items":
            return self.answer(200, {"results": ITEMS[page * 2:page * 2 + 2], "total_pages": 4})
        if path == "/cursor/items":
            start = int(q.get("cursor", "0"))
            more = start + 4 < len(ITEMS)
            return self.answer(200, {"items": ITEMS[start:start + 4],
                                     "cursors": {"next": str(start + 4) if more else None}})
        if path in ("/apikey/items", "/basic/items"):
            return self.answer(200, ITEMS)
        if path == "/flaky/items":
            seen[path] = seen.get(path, 0) + 1
            if seen[path] == 1:
                return self.answer(429, {"error": "slow down"}, {"Retry-After": "1"})
            return self.answer(200, ITEMS)
        if path == "/failing/items":
            if page == 2:
                return self.answer(503, {"error": "down"}, {"Retry-After": "0"})
            return self.answer(200, {"items": ITEMS[:3], "next": self.base() + "/failing/items?page=2"})
        return self.answer(404, {"error": "no such endpoint"})

    def switch(self, q):
        """/switch/items: a failure the test picks, or the items once it fixes it."""
        try:
            with open(os.path.join(FOLDER, "switch")) as f:
                mode = f.read().strip()
        except FileNotFoundError:
            mode = "ok"
        if mode in ("401", "404"):
            return self.answer(int(mode), {"error": "as the test asked"})
        if mode == "notjson":
            return self.answer(200, "<html>maintenance</html>", raw=True)
        if mode == "loop":
            return self.answer(302, {}, {"Location": self.path})
        if q.get("api_key") != API_KEY:
            return self.answer(401, {"error": "unauthorized"})
        return self.answer(200, ITEMS)

    def chess(self, parts):
        """chess.com's public API: profiles, monthly archives (from months.json), games."""
        user = parts[0]
        with open(os.path.join(FOLDER, "months.json")) as f:
            months = json.load(f)
        if len(parts) == 1:
            return self.answer(200, {"player_id": sum(map(ord, user)), "username": user,
                                     "title": "GM", "joined": 1300000000})
        if parts[1:] == ["games", "archives"]:
            return self.answer(200, {"archives": ["%s/pub/player/%s/games/%s" % (self.base(), user, m)
                                                  for m in months]})
        if len(parts) == 4 and parts[1] == "games" and "%s/%s" % (parts[2], parts[3]) in months:
            with open(os.path.join(FOLDER, "archives.log"), "a") as f:
                f.write("%s %s/%s\n" % (user, parts[2], parts[3]))
            month = "%s/%s" % (parts[2], parts[3])
            return self.answer(200, {"games": [
                {"url": "https://www.chess.com/game/live/%s-%s-%d" % (user, month, g),
                 "end_time": 1667260800 + g, "white": {"username": user, "rating": 2800},
                 "black": {"username": "opponent%d" % g, "rating": 2700}, "time_class": "blitz"}
                for g in range(2)]})
        return self.answer(404, {"code": 0, "message": "not found"})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(FOLDER, "port.tmp"), "w") as f:
    f.write(str(server.server_port))
os.rename(os.path.join(FOLDER, "port.tmp"), os.path.join(FOLDER, "port"))
server.serve_forever()
