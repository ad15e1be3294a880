"""Roles and the rules every other rule builds on.

Roles:
- ``admin``: anything, for any tenant.
- ``service`` (Nova, Quantum/Neutron and DHCP agents acting for tenants;
  the role name is set by the rules below, override them to rename it):
  acts for any tenant as lessee, sees every tenant's objects, reads DHCP
  configuration.
- any other role (project members): their own project's objects only.
"""

from oslo_policy import policy

ADMIN = 'rule:admin'
SERVICE = 'rule:service'
ADMIN_OR_SERVICE = 'rule:admin_or_service'
# The caller acts for its own project, or is one who may act for others.
OWNER_OR_AGENT = 'rule:admin_or_service or rule:owner'

ALL_TENANTS = 'melange:all_tenants'
ACT_FOR_TENANT = 'melange:act_for_tenant'

rules = [
    policy.RuleDefault('admin', 'role:admin',
                       description='The cloud administrator.'),
    policy.RuleDefault('service', 'role:service',
                       description='A service acting for tenants (Nova, '
                                   'Quantum, DHCP agents).'),
    policy.RuleDefault('admin_or_service', 'rule:admin or rule:service',
                       description='Administrator or service.'),
    policy.RuleDefault('owner', 'project_id:%(tenant_id)s',
                       description='The caller\'s project is the tenant '
                                   'the request is for.'),
    policy.RuleDefault(ALL_TENANTS, ADMIN_OR_SERVICE,
                       description='See and act on the objects of every '
                                   'tenant; others see only their '
                                   'project\'s, and another tenant\'s '
                                   'objects look not found.'),
    policy.RuleDefault(ACT_FOR_TENANT, ADMIN_OR_SERVICE,
                       description='Pass another tenant as tenant_id (owner '
                                   'or lessee); others get Forbidden.'),
]


def method_rule(method, check_str, description):
    """The rule of one RPC method: ``melange:<method>``."""
    return policy.RuleDefault('melange:%s' % method, check_str,
                              description=description)


def list_rules():
    return rules
