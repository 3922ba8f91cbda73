//! Plugin lookup and execution (kubectl-* executables on PATH).
