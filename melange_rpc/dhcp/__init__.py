"""Address discovery: the DHCP driver interface and its drivers (dnsmasq,
Kea), and the agent that keeps a DHCP server in step with the manager.

A driver is chosen by name (``[dhcp] driver``) among the entry points of
``melange_rpc.dhcp.drivers``; see ``driver.DhcpDriver`` for what one does.
The console scripts are melange_rpc.cmd.dhcp_agent and, for dnsmasq's
lease events, melange_rpc.cmd.dhcpbridge.
"""
