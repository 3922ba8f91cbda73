//! Running work on a thread with a stack of a chosen size.
//!
//! Documents, objects and templates may nest as deep as the Go code kubectl
//! runs allows (10,000 levels of YAML or JSON, 100,000 template calls), and
//! the steps that walk them recurse once per level. A thread's stack is
//! reserved address space: pages never touched cost no memory.

/// Runs `f` on a new thread whose stack holds `size` bytes and waits for
/// it. The outer error: the thread could not be started; the inner one: `f`
/// panicked (the caller decides whether the panic goes on).
pub fn with_stack<T: Send>(
    size: usize,
    f: impl FnOnce() -> T + Send,
) -> std::io::Result<std::thread::Result<T>> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            // Named as the thread it stands in for: a panic reads the same.
            .name("main".into())
            .stack_size(size)
            .spawn_scoped(scope, f)?;
        Ok(handle.join())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_deep_recursion_and_hands_back_panics() {
        fn depth(n: u32) -> u32 {
            let pad = std::hint::black_box([0u8; 512]);
            if n == 0 {
                u32::from(pad[0])
            } else {
                1 + depth(n - 1)
            }
        }
        // 100,000 frames of over 512 bytes: beyond the 8 MiB main stack.
        let done = with_stack(256 << 20, || depth(100_000)).expect("thread");
        assert_eq!(done.expect("no panic"), 100_000);
        let panicked = with_stack(1 << 20, || panic!("inside")).expect("thread");
        assert!(panicked.is_err());
    }
}
