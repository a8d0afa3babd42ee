"""Who counts as one client for the per-client limits (sign-in attempts, reset links, invite links,
codes, guests): an IPv4 address as it is; an IPv6 address by its /64, since one subscriber's
network is a /64 at least and its holder can rotate through its 2^64 addresses; IPv4 written as
IPv6 (::ffff:a.b.c.d) as the IPv4 address. What is no address (a test client's name) is as it is.
Pure: the web shell applies it to every request's client (`shells.web.security.client`)."""

from __future__ import annotations

import ipaddress

IPV6_PREFIX = 64


def counted_as(address: str) -> str:
    """The key a client at `address` is counted under."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # a zone (fe80::1%eth0) names no other client
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)
