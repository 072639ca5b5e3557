"""Where webhooks may go, address kind by address kind and spelling by spelling (netguard: no Flask, no database,
no network: names resolve through a table)."""
from __future__ import annotations

import httpx
import pytest

from arbitration.api import netguard
from arbitration.api.netguard import Policy, Refused

DNS = {
    "hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    "intranet.example.com": ["10.20.30.40"],
    "v6.intranet.example.com": ["fd12:3456::1"],
    "half.example.com": ["93.184.215.14", "192.168.0.10"],     # one bad answer spoils the name
    "rebind.example.com": ["127.0.0.1"],
    "localhost": ["127.0.0.1", "::1"],
    "api.localhost": ["127.0.0.1"],
}


@pytest.fixture(autouse=True)
def resolver(monkeypatch):
    def lookup(host, port):
        if host not in DNS:
            raise Refused("host_not_found", host)
        return [netguard.ipaddress.ip_address(a) for a in DNS[host]]
    monkeypatch.setattr(netguard, "lookup", lookup)


# (URL, why it is refused under the default policy: None = accepted)
ADDRESSES = [
    # public
    ("https://hooks.example.com/km", None),
    ("https://93.184.215.14/km", None),
    ("https://[2606:4700::1111]/km", None),
    ("https://[::ffff:8.8.8.8]/km", None),                 # IPv4-mapped public
    ("https://[64:ff9b::808:808]/km", None),               # NAT64 of a public address
    ("https://hooks.example.com:8443/km", None),
    # loopback, in every spelling a resolver takes
    ("https://127.0.0.1/", "loopback"),
    ("https://127.0.0.1./", "loopback"),
    ("https://127.1/", "loopback"),
    ("https://2130706433/", "loopback"),
    ("https://0x7f.1/", "loopback"),
    ("https://0x7f000001/", "loopback"),
    ("https://0177.0.0.1/", "loopback"),
    ("https://127.000.000.001/", "loopback"),
    ("https://[::1]/", "loopback"),
    ("https://[0:0:0:0:0:0:0:1]/", "loopback"),
    ("https://[::ffff:127.0.0.1]/", "loopback"),
    ("https://[::ffff:7f00:1]/", "loopback"),
    ("https://[64:ff9b::7f00:1]/", "loopback"),
    ("https://localhost:5000/", "loopback"),
    ("https://LOCALHOST./", "loopback"),
    ("https://api.localhost/", "loopback"),
    ("https://rebind.example.com/", "loopback"),
    # private networks
    ("https://10.0.0.1/", "private"),
    ("https://172.16.5.4/", "private"),
    ("https://172.31.255.255/", "private"),
    ("https://192.168.1.1/", "private"),
    ("https://100.64.0.1/", "private"),                    # carrier-grade NAT
    ("https://[::ffff:10.0.0.1]/", "private"),
    ("https://[::ffff:a00:1]/", "private"),
    ("https://[2002:c0a8:101::1]/", "private"),            # 6to4 of 192.168.1.1
    ("https://[fec0::1]/", "private"),                     # IPv6 site-local (deprecated)
    ("https://0xa.0.0.1/", "private"),
    ("https://167772161/", "private"),                     # 10.0.0.1
    ("https://intranet.example.com/", "private"),
    ("https://half.example.com/", "private"),
    # link-local
    ("https://169.254.1.1/", "link_local"),
    ("https://[fe80::1]/", "link_local"),
    # unique-local IPv6
    ("https://[fd12:3456::1]/", "unique_local"),
    ("https://[fc00::1]/", "unique_local"),
    ("https://v6.intranet.example.com/", "unique_local"),
    # multicast
    ("https://224.0.0.1/", "multicast"),
    ("https://239.255.255.250/", "multicast"),
    ("https://[ff02::1]/", "multicast"),
    # reserved and special-purpose
    ("https://240.0.0.1/", "reserved"),
    ("https://255.255.255.255/", "reserved"),
    ("https://192.0.2.10/", "reserved"),                   # documentation
    ("https://198.18.0.1/", "reserved"),                   # benchmarking
    ("https://192.0.0.8/", "reserved"),
    ("https://[2001:db8::1]/", "reserved"),
    ("https://[::127.0.0.1]/", "reserved"),                # IPv4-compatible (deprecated)
    # unspecified
    ("https://0.0.0.0/", "unspecified"),
    ("https://0/", "unspecified"),
    ("https://[::]/", "unspecified"),
    # cloud metadata
    ("http://169.254.169.254/latest/meta-data/", "https_required"),
    ("https://169.254.169.254/latest/meta-data/", "cloud_metadata"),
    ("https://2852039166/latest/meta-data/", "cloud_metadata"),
    ("https://0xa9.0xfe.0xa9.0xfe/", "cloud_metadata"),
    ("https://[::ffff:169.254.169.254]/", "cloud_metadata"),
    ("https://[fd00:ec2::254]/", "cloud_metadata"),
    ("https://100.100.100.200/", "cloud_metadata"),
    ("https://metadata.google.internal/computeMetadata/v1/", "cloud_metadata"),
    # the URL itself
    ("http://hooks.example.com/km", "https_required"),
    ("ftp://hooks.example.com/km", "bad_url"),
    ("hooks.example.com/km", "bad_url"),
    ("https:///km", "bad_url"),
    ("https://hooks example.com/", "bad_url"),
    ("https://127.0.0.1\\@hooks.example.com/", "bad_url"),
    ("https://hooks.example.com:99999/", "bad_url"),
    ("https://nowhere.example/", "host_not_found"),
]


@pytest.mark.parametrize(("url", "reason"), ADDRESSES)
def test_a_webhook_address_is_accepted_only_when_it_leads_to_the_public_internet(url, reason):
    if reason is None:
        netguard.check_url(url, Policy())
    else:
        with pytest.raises(Refused) as refused:
            netguard.check_url(url, Policy())
        assert refused.value.reason == reason


# where the development settings (internal addresses and plain http allowed) still refuse
STILL_REFUSED = {"http://169.254.169.254/latest/meta-data/": "cloud_metadata",
                 "https://0177.0.0.1/": "bad_url", "https://127.000.000.001/": "bad_url"}   # httpx cannot send these


@pytest.mark.parametrize(("url", "reason"), ADDRESSES)
def test_development_settings_allow_internal_addresses_and_http_but_never_a_metadata_service(url, reason):
    reason = STILL_REFUSED.get(url, reason if reason in ("cloud_metadata", "bad_url", "host_not_found") else None)
    for scheme in ("https://", "http://"):
        if reason is None:
            netguard.check_url(url.replace("https://", scheme), Policy(allow_private=True, allow_http=True))
        else:
            with pytest.raises(Refused) as refused:
                netguard.check_url(url.replace("https://", scheme), Policy(allow_private=True, allow_http=True))
            assert refused.value.reason == reason


@pytest.mark.parametrize(("spelling", "address"), [
    ("127.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"), ("0X7F.0.0.1", "127.0.0.1"), ("0177.0.0.01", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"), ("[::1]", "::1"), ("::FFFF:7F00:1", "::ffff:7f00:1"), ("0", "0.0.0.0"),
    ("hooks.example.com", None), ("256.1.1.1", None), ("1.2.3.4.5", None), ("08.1.1.1", None),
    ("4294967296", None), ("0x", "0.0.0.0"), ("123.example", None),
])
def test_an_address_is_recognised_however_it_is_spelt(spelling, address):
    found = netguard.literal_address(spelling)
    assert (str(found) if found is not None else None) == address


def test_a_connection_is_refused_before_it_is_made_when_the_name_now_leads_inside(monkeypatch):
    """DNS rebinding: the check is made on the very answer the connection uses."""
    transport = netguard.GuardedTransport(Policy(allow_http=True))

    def no_connection(self, request):
        raise AssertionError(f"connected to {request.url}")
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", no_connection)
    with httpx.Client(transport=transport) as client, pytest.raises(Refused) as refused:
        client.post("http://rebind.example.com/km", content=b"{}")
    assert refused.value.reason == "loopback"


def test_the_checked_address_is_connected_to_while_the_request_still_names_the_host(monkeypatch):
    seen = {}

    def record(self, request):
        seen.update(url=str(request.url), host=request.headers["Host"], sni=request.extensions["sni_hostname"])
        return httpx.Response(204)
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", record)
    with httpx.Client(transport=netguard.GuardedTransport(Policy())) as client:
        assert client.post("https://hooks.example.com:8443/km", content=b"{}").status_code == 204
    assert seen == {"url": "https://93.184.215.14:8443/km", "host": "hooks.example.com:8443",
                    "sni": "hooks.example.com"}
