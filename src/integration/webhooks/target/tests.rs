//! Tests of networks, public addresses and allowed targets.

use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse()
        .unwrap_or_else(|e| panic!("{text:?} is not an address: {e}"))
}

fn net(text: &str) -> Net {
    text.parse().unwrap_or_else(|e: String| panic!("{e}"))
}

#[test]
fn networks_parse_plainly_and_contain_their_addresses() {
    let corp = net(" 10.1.0.0/16 ");
    assert!(corp.contains(ip("10.1.255.1")));
    assert!(!corp.contains(ip("10.2.0.1")));
    assert!(corp.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped");
    let one = net("127.0.0.1");
    assert_eq!(one.to_string(), "127.0.0.1/32");
    assert!(!one.contains(ip("127.0.0.2")));
    let host_bits = net("192.168.7.9/16");
    assert_eq!(host_bits.to_string(), "192.168.0.0/16");
    let v6 = net("fd00::/8");
    assert!(v6.contains(ip("fd00:ec2::254")) && !v6.contains(ip("fe80::1")));
    let all = net("0.0.0.0/0");
    assert!(all.contains(ip("127.0.0.1")) && !all.contains(ip("::1")));
    for bad in [
        "",
        "10.0.0.0/33",
        "::/129",
        "127.1",
        "0x7f.0.0.1/8",
        "10.0.0.0/-1",
        "x/8",
        "10.0.0.0/",
    ] {
        assert!(bad.parse::<Net>().is_err(), "{bad:?}");
    }
}

#[test]
fn only_public_addresses_are_public() {
    for internal in [
        "0.0.0.0",
        "0.1.2.3",
        "10.0.0.1",
        "100.64.0.1",
        "100.127.255.255",
        "127.0.0.1",
        "127.255.255.254",
        "169.254.169.254",
        "172.16.0.1",
        "172.31.255.255",
        "192.0.0.192",
        "192.0.2.1",
        "192.168.0.1",
        "198.18.0.1",
        "198.19.255.255",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::127.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::7f00:1",
        "64:ff9b:1::1",
        "100::1",
        "2001::1",
        "2001:db8::1",
        "2002:7f00:1::",
        "3fff::1",
        "fc00::1",
        "fd00:ec2::254",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "5f00::1",
    ] {
        assert!(!is_public(ip(internal)), "{internal}");
    }
    for public in [
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "192.169.0.1",
        "198.20.0.1",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001::200e",
        "64:ff9b::808:808",
        "::ffff:8.8.8.8",
        "2001:200::1",
    ] {
        assert!(is_public(ip(public)), "{public}");
    }
}

#[test]
fn an_allowed_network_opens_only_itself() {
    let targets = Targets::allowing(vec![net("127.0.0.0/8"), net("::1/128"), net("10.1.0.0/16")]);
    assert!(targets.check("http://127.0.0.1:8080/x").is_ok());
    assert!(targets.check("http://localhost:8080/x").is_ok());
    assert!(targets.check("http://10.1.2.3/x").is_ok());
    assert_eq!(
        targets.check("http://10.2.0.1/x").err(),
        Some(Refusal::Internal)
    );
    assert_eq!(
        targets.check("http://169.254.169.254/").err(),
        Some(Refusal::Internal)
    );
    let only_v4 = Targets::allowing(vec![net("127.0.0.0/8")]);
    assert_eq!(
        only_v4.check("http://localhost/").err(),
        Some(Refusal::Internal),
        "localhost also stands for ::1"
    );
    assert!(Targets::public_only()
        .check("https://hooks.example.com/x")
        .is_ok());
}
