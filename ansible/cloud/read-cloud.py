#!/usr/bin/env python3
"""Print the cloud's flavors (with extra specs) and images (with properties) as one JSON document on stdout.

Usage: read-cloud.py  (OS_CLIENT_CONFIG_FILE and OS_CLOUD name the cloud; run with the kolla venv's python, which
has openstacksdk). `ciab verify --scs` checks the SCS rules on this document (src/cloud/scs-checks.ts). Errors go
to stderr as one line, exit code 1; secrets are never printed.
"""
import json
import sys

# The image attributes glance reports beside its properties that the checks do not need as text.
SKIP = {"id", "name", "visibility", "os_hidden", "is_hidden", "size", "min_disk", "min_ram", "created_at", "location",
        "locations", "direct_url", "file", "schema", "self", "tags", "properties", "virtual_size", "owner",
        "owner_id", "status", "updated_at", "checksum", "protected", "is_protected", "stores", "url"}


def text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def main():
    try:
        import openstack
        conn = openstack.connect()
        flavors = []
        for flavor in conn.compute.flavors(details=True, is_public=None):
            specs = flavor.extra_specs
            if specs is None:
                specs = conn.compute.fetch_flavor_extra_specs(flavor).extra_specs or {}
            flavors.append({"id": flavor.id, "name": flavor.name, "vcpus": flavor.vcpus, "ramMiB": flavor.ram,
                            "diskGB": flavor.disk, "isPublic": bool(flavor.is_public),
                            "extraSpecs": {k: text(v) for k, v in specs.items()}})
        images = []
        for image in conn.image.images():
            raw = image.to_dict(computed=False)
            props = {}
            for key, value in list(raw.items()) + list((raw.get("properties") or {}).items()):
                if key in SKIP or value is None or isinstance(value, (dict, list)):
                    continue
                props[key] = text(value)
            images.append({"id": image.id, "name": image.name, "visibility": image.visibility,
                           "hidden": bool(image.is_hidden), "sizeBytes": image.size,
                           "minDiskGiB": image.min_disk or 0, "minRamMiB": image.min_ram or 0,
                           "createdAt": image.created_at, "properties": props})
    except Exception as error:  # one line, no traceback: the command reports it
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        print(f"read-cloud: {type(error).__name__}: {message}", file=sys.stderr)
        return 1
    json.dump({"flavors": flavors, "images": images}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
