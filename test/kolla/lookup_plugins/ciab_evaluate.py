# Lookup for test/kolla/evaluate-vars.yml: templates every named variable, as lookup('ansible.builtin.vars', name)
# | to_json would, and returns the names that fail with why: one task instead of a loop item per variable (800+
# items cost ansible about 10 s of CPU per evaluation; this costs well under one).
#
#   lookup('ciab_evaluate', names) -> [{"name": ..., "error": ...}, ...]   (empty: every variable evaluates)
import json

from ansible.plugins.filter.core import to_json
from ansible.plugins.lookup import LookupBase
from ansible.plugins.loader import lookup_loader

try:  # ansible-core 2.19: omit is a sentinel, a valid value meant for module arguments (not JSON)
    from ansible._internal._templating._utils import Omit
except ImportError:  # pragma: no cover
    Omit = object()


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        names = terms[0] if len(terms) == 1 and isinstance(terms[0], list) else terms
        by_name = lookup_loader.get('ansible.builtin.vars', loader=self._loader, templar=self._templar)
        failed = []
        for name in names:
            try:
                value = by_name.run([name], variables)[0]
                if value is Omit:
                    continue
                # to_json walks nested dicts and lists, so lazily templated members are rendered too.
                json.loads(to_json(value))
            except Exception as error:  # noqa: BLE001 - every failure is a finding, reported by name
                failed.append({'name': name, 'error': f'{type(error).__name__}: {error}'.splitlines()[0][:300]})
        return [failed]
