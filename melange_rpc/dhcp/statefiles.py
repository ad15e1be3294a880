"""The files drivers generate: where they live and how they are written.

A DHCP server may re-read a file at any moment (dnsmasq on SIGHUP, Kea on
reload), so a file is replaced in one rename, never rewritten in place,
and only when its content changes: an unchanged resync touches nothing.
"""

import hashlib
import os
import re

_SAFE_NAME = re.compile(r'[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}')


def network_dir(base, network_id):
    """The directory of a network's files (created, world-traversable:
    dnsmasq reads its files again after dropping root)."""
    if _SAFE_NAME.fullmatch(network_id):
        name = network_id
    else:
        # Any string is a valid network id; a path component is not.
        name = 'net-' + hashlib.sha256(network_id.encode()).hexdigest()[:32]
    path = os.path.join(base, name)
    os.makedirs(path, mode=0o755, exist_ok=True)
    os.chmod(path, 0o755)
    return path


def write_if_changed(path, text):
    """Replace ``path`` with ``text`` unless it holds it; True if written."""
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return True
