"""state.py: the load test's mock state and its request table (tests/load/run).

state() is the document given to `secmock serve --state`: one Mimecast account with an API 1.0
binding that never expires and an API 2.0 application, 100k generated URL records, no rate limit;
the Threat Response org and SSE account of scenarios/fixtures/cisco with the rate limit lifted;
a Netskope tenant with generated alerts and no rate limits. Every time is before CLOCK, the frozen
virtual time of the run, so every record is visible and every key usable.

requests(serve) fetches what must be fetched once (bearer tokens, a Mimecast page token) and returns
the table: (service, method, path, body or "-", [headers]), each one answered 2xx unless a fault
fires. Mimecast API 1.0 requests are signed here, from the vendor's description of the MC signature
(../shared/vendor/mimecast.md), independently of the mock's code.
"""
import base64, hashlib, hmac, json, os
from datetime import datetime, timezone

CLOCK = "2020-05-15T00:00:00Z"
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MC_APP_ID = "ca16c415-658f-4c87-8fb6-e3e6957771dc"
MC_APP_KEY = "5d3c7d4e-2a4b-4c8e-9f1a-0b6e2c9d8f71"
MC_ACCESS = "mK2v_load-test-access-key"
MC_SECRET = base64.b64encode(bytes(range(64))).decode()
MC_CLIENT_ID = "loadClientId"
MC_CLIENT_SECRET = "load-client-secret"
NS_V1 = "5f4dcc3b5aa765d61d8327deb882cf99"
NS_V2 = "v2-9e107d9d372bb6826bd81d3542a419d6e4d8c1f0"
PERMS = ["Monitoring | URL Protection | Read", "Monitoring | Attachment Protection | Read",
         "Monitoring | Impersonation Protection | Read"]


def fixture(rel):
    with open(os.path.join(root, "scenarios", "fixtures", rel)) as f:
        return json.load(f)


def mimecast(count=100000):
    """One account, API 1.0 and 2.0 applications, `count` generated URL records ending before CLOCK."""
    return {"accounts": [{
        "code": "CUSA12A34", "name": "Load Corp",
        "enhanced_logging": {"inbound": True, "outbound": True, "internal": True},
        "auth_profiles": [{"name": "API Never Expire", "cache_ttl": "never"}],
        "roles": [{"name": "Sophos Integration", "permissions": PERMS}],
        "users": [{"email": "sophos@example.com", "password": "Sophos-Passw0rd!",
                   "auth_profile": "API Never Expire", "role": "Sophos Integration"}],
        "applications": [
            {"api": "1.0", "name": "Sophos Central", "app_id": MC_APP_ID, "app_key": MC_APP_KEY,
             "category": "SIEM Integration", "extended_session": True, "created": "2020-05-01T00:00:00Z"},
            {"api": "2.0", "name": "XDR", "client_id": MC_CLIENT_ID, "client_secret": MC_CLIENT_SECRET,
             "role": "Sophos Integration", "created": "2020-05-01T00:00:00Z"}],
        "bindings": [{"access_key": MC_ACCESS, "secret_key": MC_SECRET, "user": "sophos@example.com",
                      "app_id": MC_APP_ID, "issued": "2020-05-01T00:00:00Z", "expires": None}],
        "logs": {"url": {"generate": {"seed": 1, "count": count, "start": "2020-05-12T00:00:00Z",
                                      "interval": "2s"}}},
    }]}


def state():
    ctr = fixture("cisco/ctr-esa-module.json")
    ctr["rate_limit"] = {"limit": 1000000000, "window": "1h"}
    return {
        "mimecast": mimecast(),
        "ctr-nam": ctr,
        "sse-nam": fixture("cisco/sse-registered.json"),
        "netskope": {
            "v1_token": NS_V1, "v2_token": NS_V2,
            "settings": {"v1_rate": {"requests": 0, "window": "5s"},
                         "dataexport_rate": {"requests": 0, "window": "1s"}, "page_size": 100},
            "alerts": {"generate": {
                "malware": {"count": 1000, "seed": 42, "start": "2020-05-14T00:00:00Z", "every": "1m"},
                "malsite": {"count": 500, "seed": 43, "start": "2020-05-14T00:00:00Z", "every": "2m"}}},
        },
    }


def mc_date():
    """x-mc-date for the frozen clock (RFC 1123 with the zone UTC, as the vendor's examples)."""
    t = datetime.strptime(CLOCK, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return t.strftime("%a, %d %b %Y %H:%M:%S UTC")


def mc_signed(path, req_id, access=MC_ACCESS, secret=MC_SECRET, app_id=MC_APP_ID, app_key=MC_APP_KEY):
    """The API 1.0 headers: base64(HMAC-SHA1(base64-decoded secret, date:req-id:path:app-key))."""
    date = mc_date()
    mac = hmac.new(base64.b64decode(secret), f"{date}:{req_id}:{path}:{app_key}".encode(), hashlib.sha1)
    sig = base64.b64encode(mac.digest()).decode()
    return [f"x-mc-app-id: {app_id}", f"x-mc-date: {date}", f"x-mc-req-id: {req_id}",
            f"Authorization: MC {access}:{sig}", "Content-Type: application/json"]


def url_logs_body(page_size=20, token=None):
    pag = {"pageSize": page_size}
    if token is not None:
        pag["pageToken"] = token
    return json.dumps({"meta": {"pagination": pag},
                       "data": [{"oldestFirst": False, "from": "2020-05-12T00:00:00+0000",
                                 "route": "all", "scanResult": "all"}]}, separators=(",", ":"))


def mc_oauth(serve, base):
    st, doc = serve.call("POST", f"{base}/oauth/token",
                         f"client_id={MC_CLIENT_ID}&client_secret={MC_CLIENT_SECRET}"
                         "&grant_type=client_credentials",
                         {"Content-Type": "application/x-www-form-urlencoded"})
    if st != 200:
        raise RuntimeError(f"mimecast /oauth/token answered {st}: {doc}")
    return doc["access_token"]


def ctr_token(serve, base):
    ctr = fixture("cisco/ctr-esa-module.json")
    org = next(iter(ctr["orgs"].values()))
    cid, c = next(iter(org["clients"].items()))
    basic = base64.b64encode(f"{cid}:{c['secret']}".encode()).decode()
    st, doc = serve.call("POST", f"{base}/iroh/oauth2/token", "grant_type=client_credentials",
                         {"Authorization": f"Basic {basic}",
                          "Content-Type": "application/x-www-form-urlencoded"})
    if st != 200:
        raise RuntimeError(f"ctr token answered {st}: {doc}")
    return doc["access_token"]


def requests(serve):
    reqs = []
    mc = serve.url("mimecast")
    logs = "/api/ttp/url/get-logs"
    # API 1.0: the first page under 8 request ids, then a later page by its token
    for i in range(8):
        reqs.append(("mimecast", "POST", logs, url_logs_body(),
                     mc_signed(logs, f"load-{i:04d}-0000-4000-8000-000000000000")))
    first = url_logs_body()
    st, doc = serve.call("POST", mc + logs, first,
                         dict(h.split(": ", 1) for h in mc_signed(logs, "load-prep")))
    if st != 200:
        raise RuntimeError(f"mimecast get-logs answered {st}: {doc}")
    nxt = doc["meta"]["pagination"]["next"]
    reqs.append(("mimecast", "POST", logs, url_logs_body(token=nxt), mc_signed(logs, "load-next")))
    acct = "/api/account/get-account"
    reqs.append(("mimecast", "POST", acct, '{"data":[]}', mc_signed(acct, "load-acct")))
    # API 2.0: one bearer
    bearer = mc_oauth(serve, mc)
    for i in range(2):
        reqs.append(("mimecast", "POST", logs, url_logs_body(),
                     [f"Authorization: Bearer {bearer}", "Content-Type: application/json"]))

    ctr = serve.url("ctr-nam")
    auth = [f"Authorization: Bearer {ctr_token(serve, ctr)}", "Content-Type: application/json",
            "Accept: application/json"]
    obs = [[{"type": "email_subject", "value": "test test"}],
           [{"type": "sha256", "value": "8a9f3c2e7b1d4f6a0c5e9b2d7f1a3c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a"}],
           [{"type": "ip", "value": "4.2.2.2"}, {"type": "email", "value": "ap@cisco.com"}]]
    for o in obs:
        reqs.append(("ctr-nam", "POST", "/iroh/iroh-enrich/observe/observables",
                     json.dumps(o, separators=(",", ":")), auth))
    reqs.append(("ctr-nam", "POST", "/iroh/iroh-inspect/inspect",
                 json.dumps({"content": "email_subject:'test test'"}), auth))
    reqs.append(("ctr-nam", "GET", "/iroh/iroh-enrich/settings", "-", auth))

    dev, d = next(iter(next(iter(fixture("cisco/sse-registered.json")["accounts"].values()))
                       ["devices"].items()))
    sse_auth = [f"Authorization: Bearer {d['credential']}"]
    reqs.append(("sse-nam", "GET", f"/v1/devices/{dev}", "-", sse_auth))
    reqs.append(("sse-nam", "PUT", f"/v1/devices/{dev}/services", '{"xdr":true}',
                 sse_auth + ["Content-Type: application/json"]))

    for i, op in enumerate(["head", "next", "next", "resend", "1589414400"]):
        for feed in ("malware", "malsite"):
            reqs.append(("netskope", "GET",
                         f"/api/v2/events/dataexport/alerts/{feed}?index=load{i}&operation={op}",
                         "-", [f"Netskope-Api-Token: {NS_V2}"]))
    reqs.append(("netskope", "GET", f"/api/v1/app_instances?op=list&token={NS_V1}", "-", []))

    reqs.append(("demo", "GET", "/ping", "-", []))
    reqs.append(("demo", "GET", "/items", "-", []))
    return reqs
