#!/usr/bin/env python3
"""Ask keystone for a token and the service catalog, then ask each service's public endpoint whether it answers.
Prints one JSON document on stdout:

  {"keystone": {"url", "health", "note"}, "endpoints": [{"name", "type", "url", "health", "status", "note"}]}

health: healthy (an HTTP answer below 500: 401/404 are answers too), unhealthy (refused, or a 5xx), unknown
(a timeout or any other error: it says nothing about the service). Usage: probe-endpoints.py, with
OS_CLIENT_CONFIG_FILE and OS_CLOUD naming the admin cloud, run with the kolla venv's python (openstacksdk). Used by
`ciab status`. Secrets (the password, the token) are never printed.
"""
import json
import sys

TIMEOUT = 5


def classify(error):
    """refused: the port is closed (down); everything else (timeouts, DNS, TLS) says nothing for sure."""
    text = repr(error)
    if "Connection refused" in text or "ConnectionRefused" in text or "Errno 111" in text:
        return "unhealthy", "connection refused"
    if "imeout" in text:
        return "unknown", "timed out"
    return "unknown", type(error).__name__


def main():
    import openstack
    import requests

    conn = openstack.connect()
    session = conn.session
    auth_url = conn.config.get_auth_args().get("auth_url", "")
    out = {"keystone": {"url": auth_url, "health": "unknown", "note": None}, "endpoints": []}
    try:
        access = session.auth.get_access(session)
    except Exception as error:  # noqa: BLE001 (any failure is reported, not raised)
        status = getattr(error, "http_status", None)
        if status is not None and status < 500:
            out["keystone"].update(health="healthy", note=f"answers, but refused the admin credentials ({status})")
        elif status is not None:
            out["keystone"].update(health="unhealthy", note=f"HTTP {status}")
        else:
            health, note = classify(error)
            out["keystone"].update(health=health, note=note)
        print(json.dumps(out))
        return 0
    out["keystone"].update(health="healthy", note="token and catalog")
    region = conn.config.get_region_name() or None
    interface = conn.config.get_interface() or "public"
    for service in access.service_catalog.catalog:
        urls = [e for e in service.get("endpoints", []) if e.get("interface") == interface
                and (region is None or e.get("region_id", e.get("region")) in (None, region))]
        if not urls:
            continue
        url = urls[0]["url"]
        entry = {"name": service.get("name") or service.get("type"), "type": service.get("type"), "url": url,
                 "health": "unknown", "status": None, "note": None}
        try:
            response = requests.get(url, timeout=TIMEOUT, verify=session.verify, allow_redirects=False)
            entry["status"] = response.status_code
            entry["health"] = "healthy" if response.status_code < 500 else "unhealthy"
            entry["note"] = None if response.status_code < 500 else f"HTTP {response.status_code}"
        except Exception as error:  # noqa: BLE001
            entry["health"], entry["note"] = classify(error)
        out["endpoints"].append(entry)
    out["endpoints"].sort(key=lambda e: e["name"])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # noqa: BLE001: one line, never a traceback with secrets in it
        print(f"probe-endpoints: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}",
              file=sys.stderr)
        sys.exit(1)
