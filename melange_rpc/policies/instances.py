"""Rules for instances (devices) and health."""

from melange_rpc.policies import base


def list_rules():
    return [
        base.method_rule('allocate_for_instance', base.OWNER_OR_AGENT,
                         'Create every interface of an instance.'),
        base.method_rule('get_instance_network_info', base.OWNER_OR_AGENT,
                         'Show an instance\'s network info.'),
        base.method_rule('deallocate_for_instance', base.OWNER_OR_AGENT,
                         'Delete every interface of an instance.'),
        base.method_rule('ping', '@', 'Ask a manager who it is.'),
    ]
