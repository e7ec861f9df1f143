//! The resource graph. To be written.
