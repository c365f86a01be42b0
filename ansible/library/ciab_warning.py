#!/usr/bin/python
# A warning in the play's output (and a "warning" event from ciab's callback) for something that must not fail
# the run but that the user should read, e.g. a clock that cannot sync without NTP reachability.
from __future__ import annotations

DOCUMENTATION = r"""
module: ciab_warning
short_description: report a warning without failing or changing anything
options:
  msg: {type: str, required: true}
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(msg=dict(type="str", required=True)), supports_check_mode=True)
    module.warn(module.params["msg"])
    module.exit_json(changed=False, msg=module.params["msg"])


if __name__ == "__main__":
    main()
