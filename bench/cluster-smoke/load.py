# A user-style load for a 3-node Atoll cluster started by scripts/cluster-dev.sh: 9 databases, one writer thread each,
# INSERT of increasing ids + a SELECT, through the nodes round robin (skipping the node named in the file `avoid`, as a
# load balancer that drained it would). A request whose connection fails is sent again to the next node, as a load
# balancer or client would; with KEYED=1 each write carries an Idempotency-Key, which makes that resend safe.
# Prints acknowledged / failed / lost (acknowledged ids missing at the end) and the client's resends.
# Usage: load.py ADMIN_TOKEN_FILE SECONDS AVOID_FILE RESULT_JSON   (bench/cluster-smoke/run.sh drives it)
import json, os, sys, threading, time, urllib.request, urllib.error
base = [f"http://127.0.0.1:{p}" for p in (8801, 8802, 8803)]
token = open(sys.argv[1]).read().strip()
seconds = float(sys.argv[2]); avoid_file = sys.argv[3]; out = sys.argv[4]
acct = None
keyed = os.environ.get("KEYED") == "1"
retries = []
def call(url, body=None, method=None, key=None):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key and keyed: headers["Idempotency-Key"] = key
    req = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as r: return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e: return e.code, json.loads(e.read() or b"null")
status, body = call(base[0] + "/client/v4/accounts")
acct = body["result"][0]["id"]
run = str(int(time.time()))
dbs = []
for i in range(9):
    s, b = call(f"{base[0]}/client/v4/accounts/{acct}/d1/database", {"name": f"smoke-{run}-{i}"}, "POST")
    dbs.append(b["result"]["uuid"])
    call(f"{base[0]}/client/v4/accounts/{acct}/d1/database/{dbs[-1]}/query", {"sql": "CREATE TABLE t(id INTEGER PRIMARY KEY)"}, "POST")
acked = {d: [] for d in dbs}; failures = []; refused = [0]; stop = time.time() + seconds
def nodes():
    try: bad = open(avoid_file).read().strip()
    except FileNotFoundError: bad = ""
    return [u for i, u in enumerate(base) if f"node{i+1}" not in bad.split()]
def writer(d):
    i = 0; turn = 0
    while time.time() < stop:
        i += 1
        while True:
            up = nodes(); url = up[turn % len(up)]; turn += 1
            try:
                s, b = call(f"{url}/client/v4/accounts/{acct}/d1/database/{d}/query", {"sql": "INSERT INTO t(id) VALUES (?)", "params": [i]}, "POST", key=f"{d}-{i}")
                break
            except (urllib.error.URLError, ConnectionError) as e:
                refused[0] += 1; retries.append(f"{d} id {i} via {url}: {type(e).__name__} {e}"[:200]); time.sleep(0.05)  # never reached a node (connection refused): an LB would try the next
        if s == 200 and b and b.get("success"): acked[d].append(i)
        else: failures.append(f"{d} id {i} via {url}: {s} {json.dumps(b)[:300]}")
        try:
            s, b = call(f"{url}/client/v4/accounts/{acct}/d1/database/{d}/query", {"sql": "SELECT count(*) AS n FROM t"}, "POST")
            if s != 200: failures.append(f"{d} read via {url}: {s} {json.dumps(b)[:300]}")
        except (urllib.error.URLError, ConnectionError): refused[0] += 1
threads = [threading.Thread(target=writer, args=(d,)) for d in dbs]
[t.start() for t in threads]; [t.join() for t in threads]
lost = 0
for d in dbs:
    s, b = call(f"{nodes()[0]}/client/v4/accounts/{acct}/d1/database/{d}/query", {"sql": "SELECT id FROM t"}, "POST")
    present = {r["id"] for r in b["result"][0]["results"]}
    lost += sum(1 for i in acked[d] if i not in present)
res = {"acknowledged": sum(len(v) for v in acked.values()), "failed": len(failures), "lost": lost, "refused_before_send": refused[0], "failures": failures[:20], "client_resends": retries[:20]}
open(out, "w").write(json.dumps(res, indent=1)); print(json.dumps(res, indent=1))
