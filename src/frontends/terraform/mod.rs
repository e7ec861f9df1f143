//! Terraform HCL frontend. To be written.

pub mod functions;
