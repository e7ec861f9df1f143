//! pullpath: will this ECS/Fargate task be able to pull its container image?
//!
//! The pipeline, one module per stage, data flowing one way (see ARCHITECTURE.md):
//! [`discover`] → [`syntax`] → [`frontends`] → [`graph`] → [`analysis`] → [`rules`] → [`report`].

pub mod analysis;
pub mod base;
pub mod config;
pub mod discover;
pub mod frontends;
pub mod graph;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod syntax;
