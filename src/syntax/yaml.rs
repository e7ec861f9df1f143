//! YAML (CloudFormation templates) into a spanned [`crate::base::Value`] tree. To be written.
