//! Kubeconfig loading, merging, minify/flatten/redaction.
