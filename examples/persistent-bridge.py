#!/usr/bin/env python3
"""setconform persistent trigger bridge: one action per JSON line on stdin, forwarded to a control
API over HTTP; one answer per line on stdout. Usage: persistent-bridge.py CONTROL_URL [CA_FILE]"""
import json, ssl, sys, threading, urllib.error, urllib.parse, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, printing = sys.argv[1].rstrip("/"), threading.Lock()
tls = ssl.create_default_context(cafile=sys.argv[2] if len(sys.argv) > 2 else None)
ROUTES = {"register": ("POST", ""), "queue": ("POST", "/queue"), "initiate": ("POST", "/initiate"), "release": ("DELETE", "")}

def handle(msg):
    method, suffix = ROUTES[msg["action"]]
    peer = "/" + urllib.parse.quote(msg["peer"], safe="") if "peer" in msg else ""
    body = json.dumps(msg["request"]).encode() if method == "POST" else None
    req = urllib.request.Request(f"{base}/peers{peer}{suffix}", body, {"Content-Type": "application/json"}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10, context=tls) as resp:
            text = resp.read().decode()
            reply = {"answer": json.loads(text) if text.strip() else {}}
    except urllib.error.HTTPError as e:  # a declined registration is "refused", anything else "error"
        kind = "refused" if msg["action"] == "register" and e.code in (400, 403, 409, 422) else "error"
        reply = {kind: f"HTTP {e.code} {e.read().decode(errors='replace')[:200]}"}
    except Exception as e:
        reply = {"error": str(e)}
    with printing:
        print(json.dumps({"id": msg["id"], **reply}), flush=True)

with ThreadPoolExecutor(8) as pool:
    for line in sys.stdin:
        pool.submit(handle, json.loads(line))
