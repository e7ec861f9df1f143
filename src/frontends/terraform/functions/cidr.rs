//! IP network functions, on IPv4 and IPv6 prefixes (host bits in the prefix are ignored, as in
//! Terraform).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use crate::base::{Val, Value};

use super::{Cx, Res};

/// A prefix as an integer network address, its length and the address width (32 or 128).
#[derive(Clone, Copy)]
struct Net {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Net {
    fn host_bits(self) -> u32 {
        self.bits - self.len
    }
    fn mask(len: u32, bits: u32) -> u128 {
        if len == 0 {
            return 0;
        }
        let all = if bits == 128 {
            u128::MAX
        } else {
            (1u128 << bits) - 1
        };
        all & !((1u128 << (bits - len)) - 1)
    }
    fn last(self) -> u128 {
        let host = self.host_bits();
        if host == 128 {
            u128::MAX
        } else {
            self.addr | ((1u128 << host) - 1)
        }
    }
    fn ip(addr: u128, bits: u32) -> IpAddr {
        if bits == 32 {
            IpAddr::V4(Ipv4Addr::from(addr as u32))
        } else {
            IpAddr::V6(Ipv6Addr::from(addr))
        }
    }
    fn render(self) -> String {
        format!("{}/{}", Net::ip(self.addr, self.bits), self.len)
    }
}

fn prefix(c: &Cx, v: &Value) -> Res<Net> {
    let s = c.string(v)?;
    let net: IpNet = s
        .parse()
        .map_err(|_| c.fail(format!("invalid CIDR expression: {s}")))?;
    let (addr, bits) = match net.addr() {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    };
    let len = u32::from(net.prefix_len());
    Ok(Net {
        addr: addr & Net::mask(len, bits),
        len,
        bits,
    })
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub fn cidrsubnet(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 3, Some(3))?;
    let net = prefix(c, &a[0])?;
    let newbits = c.int(&a[1])?;
    let netnum = c.int(&a[2])?;
    if newbits < 0 || net.len as i64 + newbits > net.bits as i64 {
        return Err(c.fail(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.len
        )));
    }
    let newbits = newbits as u32;
    let newlen = net.len + newbits;
    if netnum < 0 || (newbits < 64 && (netnum as u128) >= (1u128 << newbits)) {
        return Err(c.fail(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        )));
    }
    let shift = net.bits - newlen;
    let addr = if shift >= 128 {
        net.addr
    } else {
        net.addr | ((netnum as u128) << shift)
    };
    let sub = Net {
        addr,
        len: newlen,
        bits: net.bits,
    };
    Ok(c.out(Val::Str(sub.render())))
}

/// `cidrhost(prefix, hostnum)`: a negative number counts back from the last address.
pub fn cidrhost(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 2, Some(2))?;
    let net = prefix(c, &a[0])?;
    let hostnum = c.int(&a[1])?;
    let host = net.host_bits();
    let max: u128 = if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    let n: u128 = if hostnum < 0 {
        let back = (-(hostnum + 1)) as u128;
        match max.checked_sub(back) {
            Some(n) => n,
            None => {
                return Err(c.fail(format!(
                    "prefix of {} does not accommodate a host numbered {hostnum}",
                    net.len
                )))
            }
        }
    } else {
        hostnum as u128
    };
    if n > max {
        return Err(c.fail(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}",
            net.len
        )));
    }
    Ok(c.out(Val::Str(Net::ip(net.addr | n, net.bits).to_string())))
}

/// `cidrnetmask(prefix)`: IPv4 only.
pub fn cidrnetmask(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, Some(1))?;
    let net = prefix(c, &a[0])?;
    if net.bits != 32 {
        return Err(c.fail("IPv6 addresses cannot have a netmask"));
    }
    let mask = Net::mask(net.len, 32);
    Ok(c.out(Val::Str(Net::ip(mask, 32).to_string())))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned to its own size, as
/// Terraform allocates them.
pub fn cidrsubnets(c: &Cx, a: &[Value]) -> Res<Value> {
    c.arity(a, 1, None)?;
    let net = prefix(c, &a[0])?;
    let mut newbits = Vec::new();
    for v in &a[1..] {
        let n = c.int(v)?;
        if n < 1 || net.len as i64 + n > net.bits as i64 {
            return Err(c.fail(format!(
                "would extend prefix to {} bits, which is too long for an IPv{} address",
                net.len as i64 + n,
                if net.bits == 32 { 4 } else { 6 }
            )));
        }
        newbits.push(n as u32);
    }
    let Some(&first) = newbits.first() else {
        return Ok(c.out(Val::List(Vec::new())));
    };
    let width_mask = Net::mask(net.bits, net.bits);
    // Start from the subnet just before the prefix, of the first size.
    let first_len = net.len + first;
    let mut current = Net {
        addr: net.addr.wrapping_sub(1) & width_mask & Net::mask(first_len, net.bits),
        len: first_len,
        bits: net.bits,
    };
    let mut out = Vec::new();
    for &nb in &newbits {
        let len = net.len + nb;
        let aligned = Net {
            addr: current.last() & Net::mask(len, net.bits),
            len,
            bits: net.bits,
        };
        let start = aligned.last().wrapping_add(1) & width_mask;
        let next = Net {
            addr: start,
            len,
            bits: net.bits,
        };
        let inside = |x: u128| x >= net.addr && x <= net.last();
        if start == 0 || !inside(next.addr) || !inside(next.last()) {
            return Err(c.fail(format!(
                "not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                current.render()
            )));
        }
        out.push(Value::str(next.render(), c.span));
        current = next;
    }
    Ok(c.out(Val::List(out)))
}
