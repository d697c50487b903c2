//! Unit tests of the snapshot importer, one small fixture per call kind.
