//! Discovery. To be written.
