//! Recognising endpoint service names (domain table (c)-4) on the rendered pattern of the value:
//! `com.amazonaws.eu-west-1.ecr.dkr`, `com.amazonaws.⟨?⟩.ecr.dkr`, `cn.com.amazonaws.⟨?⟩.ecr.api`,
//! and, with lower confidence, anything ending in a known suffix (`⟨?⟩.ecr.dkr`).

use std::sync::OnceLock;

use regex::Regex;

use crate::base::value::UNKNOWN_PART;

/// The services the pull path needs, and the others by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    EcrApi,
    EcrDkr,
    S3,
    Logs,
    SecretsManager,
    Ssm,
    /// Any other service, as written (unknown parts rendered `⟨?⟩`).
    Other(String),
}

impl Service {
    pub fn name(&self) -> &str {
        match self {
            Service::EcrApi => "ecr.api",
            Service::EcrDkr => "ecr.dkr",
            Service::S3 => "s3",
            Service::Logs => "logs",
            Service::SecretsManager => "secretsmanager",
            Service::Ssm => "ssm",
            Service::Other(s) => s,
        }
    }

    fn from_suffix(s: &str) -> Option<Service> {
        Some(match s.to_ascii_lowercase().as_str() {
            "ecr.api" => Service::EcrApi,
            "ecr.dkr" => Service::EcrDkr,
            "s3" => Service::S3,
            "logs" => Service::Logs,
            "secretsmanager" => Service::SecretsManager,
            "ssm" => Service::Ssm,
            _ => return None,
        })
    }
}

/// How the service was recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confidence {
    /// The whole name has the canonical shape.
    Exact,
    /// Only the suffix is recognisable (`${local.prefix}.ecr.dkr`).
    Suffix,
}

/// A recognised service name: the service, how sure, and the Region when it is a literal.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceName {
    pub service: Service,
    pub confidence: Confidence,
    /// The Region part when written literally (`None`: an unknown part, e.g. the deployment
    /// Region).
    pub region: Option<String>,
}

const SUFFIXES: &str = r"ecr\.api|ecr\.dkr|s3|logs|secretsmanager|ssm";

fn exact() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(&format!(
            r"(?i)^(?:cn\.)?com\.amazonaws\.({u}|[a-z]{{2}}(?:-[a-z]+)+-\d)\.({SUFFIXES})$",
            u = regex::escape(UNKNOWN_PART)
        ))
        .expect("static regex")
    })
}

fn suffix() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"(?i)\.({SUFFIXES})$")).expect("static regex"))
}

/// Classifies a rendered service name. `None` when nothing of it is known (`⟨?⟩`).
pub fn classify(rendered: &str) -> Option<ServiceName> {
    if let Some(c) = exact().captures(rendered) {
        let region = c.get(1).map(|m| m.as_str()).filter(|r| *r != UNKNOWN_PART);
        let service = Service::from_suffix(&c[2])?;
        return Some(ServiceName {
            service,
            confidence: Confidence::Exact,
            region: region.map(|r| r.to_ascii_lowercase()),
        });
    }
    if let Some(c) = suffix().captures(rendered) {
        let service = Service::from_suffix(&c[1])?;
        return Some(ServiceName {
            service,
            confidence: Confidence::Suffix,
            region: None,
        });
    }
    if rendered
        .replace(UNKNOWN_PART, "")
        .trim_matches('.')
        .is_empty()
    {
        return None;
    }
    Some(ServiceName {
        service: Service::Other(rendered.to_string()),
        confidence: if rendered.contains(UNKNOWN_PART) {
            Confidence::Suffix
        } else {
            Confidence::Exact
        },
        region: None,
    })
}

/// The service of `data "aws_vpc_endpoint_service"`'s `service` argument (`"ecr.dkr"`).
pub fn classify_short(service: &str) -> ServiceName {
    ServiceName {
        service: Service::from_suffix(service).unwrap_or_else(|| Service::Other(service.into())),
        confidence: Confidence::Exact,
        region: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let c = classify("com.amazonaws.eu-west-1.ecr.dkr").unwrap();
        assert_eq!(c.service, Service::EcrDkr);
        assert_eq!(c.confidence, Confidence::Exact);
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
        let c = classify("com.amazonaws.⟨?⟩.ecr.api").unwrap();
        assert_eq!((c.service, c.region), (Service::EcrApi, None));
        let c = classify("cn.com.amazonaws.cn-north-1.ecr.api").unwrap();
        assert_eq!(c.region.as_deref(), Some("cn-north-1"));
        let c = classify("⟨?⟩.⟨?⟩.ecr.dkr").unwrap();
        assert_eq!(
            (c.service, c.confidence),
            (Service::EcrDkr, Confidence::Suffix)
        );
        assert_eq!(
            classify("com.amazonaws.⟨?⟩.ssm").unwrap().service,
            Service::Ssm
        );
        assert_eq!(
            classify("com.amazonaws.⟨?⟩.ssmmessages").unwrap().service,
            Service::Other("com.amazonaws.⟨?⟩.ssmmessages".into())
        );
        assert_eq!(
            classify("com.amazonaws.us-east-1.S3").unwrap().service,
            Service::S3
        );
        assert!(classify("⟨?⟩").is_none());
    }
}
