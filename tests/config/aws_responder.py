#!/usr/bin/python3
"""Local stand-in for the AWS services the credential chain calls, for tests.

One HTTP server on 127.0.0.1 (a free port, written to PORT_FILE) answers:
  POST /                         STS AssumeRole (SigV4 signature verified
                                 against the secrets it knows) and
                                 AssumeRoleWithWebIdentity (unsigned; the
                                 token is checked)
  GET  /container/...            container credentials (Authorization checked)
  PUT  /latest/api/token         IMDSv2 session token (TTL header required)
  GET  /latest/meta-data/iam/security-credentials/[role]  (token required)
  PUT  /<bucket>/<key>           an S3 PutObject, signature verified and the
                                 access key id it was signed with logged

Its behaviour comes from CONFIG (JSON, read again at every request, so a test
can change it between calls):
  static       {access key id: secret} of long-term keys it accepts
  roles        {role arn: {key, expires_in, external_id, session_name,
                duration, rotate, fail}}
  web_token    the web identity token AssumeRoleWithWebIdentity accepts
  container    {key, expires_in, token}   (token: the Authorization expected)
  imds         {role, key, expires_in, v1_only}
Every request is logged to LOG as one line (never a secret), for tests to
count calls. Issued credentials are remembered so a chained AssumeRole
signed with them verifies.
"""
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

CONFIG, PORT_FILE, LOG = sys.argv[1:4]
issued = {}  # access key id -> (secret, session token)
counts = {}  # role arn -> calls answered


def config():
    with open(CONFIG) as f:
        return json.load(f)


def log(line):
    with open(LOG, "a") as f:
        f.write(line + "\n")


def new_credentials(spec, name):
    n = counts[name] = counts.get(name, 0) + 1
    key = spec["key"] + (f"{n:04d}" if spec.get("rotate") else "")
    secret = "S" + hashlib.sha256(key.encode()).hexdigest()[:39]
    token = "T" + hashlib.sha256(secret.encode()).hexdigest()
    issued[key] = (secret, token)
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
        seconds=spec.get("expires_in", 3600))
    return key, secret, token, expires.strftime("%Y-%m-%dT%H:%M:%SZ")


def sigv4_access_key(handler):
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/", handler.headers.get("Authorization", ""))
    return m.group(1) if m else None


def sigv4_problem(handler, service, payload_hash, static):
    """Why the request's SigV4 signature is wrong, or None when it is right.

    The canonical URI is the path as sent (STS calls "/", S3 keys here are
    plain), the query string is empty."""
    auth = handler.headers.get("Authorization", "")
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([a-z0-9-]+)/" + service +
                     r"/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})",
                     auth)
    if not m:
        return "Authorization header is not SigV4 for " + service
    akid, date, region, signed, signature = m.groups()
    if akid in static:
        secret, token = static[akid], None
    elif akid in issued:
        secret, token = issued[akid]
    else:
        return "unknown access key id " + akid
    names = signed.split(";")
    if "host" not in names or "x-amz-date" not in names:
        return "host and x-amz-date must be signed"
    if token is not None and handler.headers.get("X-Amz-Security-Token") != token:
        return "temporary credentials without their session token"
    amz_date = handler.headers.get("X-Amz-Date", "")
    if not amz_date.startswith(date):
        return "X-Amz-Date does not match the credential scope"
    canonical_headers = "".join(
        n + ":" + " ".join(handler.headers.get(n, "").split()) + "\n" for n in names)
    canonical = "\n".join([handler.command, handler.path, "", canonical_headers, signed,
                           payload_hash])
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    expected = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, signature) else "signature does not match"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, ctype="text/xml"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def sts_error(self, status, code, message):
        self.reply(status, "<ErrorResponse><Error><Type>Sender</Type>"
                   f"<Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        action, arn = form.get("Action"), form.get("RoleArn", "")
        cfg = config()
        log(f"STS {action} {arn} {form.get('RoleSessionName', '')}")
        if form.get("Version") != "2011-06-15" or action not in (
                "AssumeRole", "AssumeRoleWithWebIdentity"):
            return self.sts_error(400, "InvalidAction", "unknown action or version")
        spec = cfg.get("roles", {}).get(arn)
        if spec is None:
            return self.sts_error(403, "AccessDenied", "no such role " + arn)
        if action == "AssumeRole":
            problem = sigv4_problem(self, "sts", hashlib.sha256(body).hexdigest(),
                                    cfg.get("static", {}))
        elif "Authorization" in self.headers:
            problem = "AssumeRoleWithWebIdentity must not be signed"
        else:
            problem = None if form.get("WebIdentityToken") == cfg.get("web_token") else \
                "wrong web identity token"
        for field, key in (("ExternalId", "external_id"), ("RoleSessionName", "session_name"),
                           ("DurationSeconds", "duration")):
            if problem is None and key in spec and form.get(field) != spec[key]:
                problem = f"{field} is not what the role expects"
        if problem is None and spec.get("fail"):
            problem = "this role is refusing for now"
        if problem:
            return self.sts_error(403, "AccessDenied", problem)
        key, secret, token, expires = new_credentials(spec, arn)
        self.reply(200, f'<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
                   f"<{action}Result><Credentials><AccessKeyId>{key}</AccessKeyId>"
                   f"<SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}"
                   f"</SessionToken><Expiration>{expires}</Expiration></Credentials>"
                   f"</{action}Result></{action}Response>")

    def json_credentials(self, spec, name):
        key, secret, token, expires = new_credentials(spec, name)
        self.reply(200, json.dumps({"Code": "Success", "AccessKeyId": key,
                                    "SecretAccessKey": secret, "Token": token,
                                    "Expiration": expires}), "application/json")

    def put_object(self, cfg):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        digest = hashlib.sha256(body).hexdigest()
        problem = sigv4_problem(self, "s3", digest, cfg.get("static", {}))
        if problem is None and self.headers.get("X-Amz-Content-Sha256") != digest:
            problem = "x-amz-content-sha256 is not the body's"
        log(f"S3 PUT {self.path} {sigv4_access_key(self)} {problem or 'verified'}")
        if problem:
            return self.reply(403, f"<Error><Code>SignatureDoesNotMatch</Code>"
                              f"<Message>{problem}</Message></Error>")
        self.send_response(200)
        self.send_header("ETag", '"' + hashlib.md5(body).hexdigest() + '"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self):
        cfg = config()
        if not self.path.startswith("/latest/"):
            return self.put_object(cfg)
        imds = cfg.get("imds", {})
        log("IMDS PUT " + self.path)
        if self.path != "/latest/api/token":
            return self.reply(404, "")
        if imds.get("v1_only"):
            return self.reply(403, "")
        if not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            return self.reply(400, "")
        self.reply(200, "imds-session-token", "text/plain")

    def do_GET(self):
        cfg = config()
        if self.path.startswith("/container/"):
            spec = cfg.get("container", {})
            log("CONTAINER GET " + self.path)
            if self.headers.get("Authorization") != spec.get("token"):
                return self.reply(401, '{"message": "bad token"}', "application/json")
            return self.json_credentials(spec, "container")
        imds = cfg.get("imds", {})
        base = "/latest/meta-data/iam/security-credentials/"
        log("IMDS GET " + self.path)
        wanted = None if imds.get("v1_only") else "imds-session-token"
        if self.headers.get("X-aws-ec2-metadata-token") != wanted:
            return self.reply(401, "")
        if self.path == base:
            return self.reply(200, imds["role"], "text/plain")
        if self.path == base + imds.get("role", "?"):
            return self.json_credentials(imds, "imds")
        self.reply(404, "")


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
