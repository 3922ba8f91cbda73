//! The fuzz targets (src/fuzzing.rs) over their saved corpora and every
//! crash the fuzzers found (fuzz/regressions/TARGET/), as plain tests: what
//! once broke a parser stays fixed without a nightly toolchain in CI. See
//! fuzz/README.md for running the fuzzers themselves.

use std::path::Path;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_target_survives_its_corpus_and_regressions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut ran = 0;
    for target in kuddle::fuzzing::TARGETS {
        let corpus = inputs(&root.join("corpus").join(target.name));
        assert!(
            !corpus.is_empty(),
            "no corpus for fuzz target {}",
            target.name
        );
        for file in corpus
            .iter()
            .chain(inputs(&root.join("regressions").join(target.name)).iter())
        {
            let data = std::fs::read(file).expect("read input");
            // A deep stack, as the fuzzer's: the parsers recurse.
            let run = target.run;
            let outcome = std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || std::panic::catch_unwind(|| run(&data)))
                .expect("thread")
                .join()
                .expect("join");
            assert!(
                outcome.is_ok(),
                "fuzz target {} panics on {}",
                target.name,
                file.display()
            );
            ran += 1;
        }
    }
    assert!(ran > 100, "only {ran} inputs");
}

#[test]
fn every_fuzz_target_has_an_entry_point() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for target in kuddle::fuzzing::TARGETS {
        assert!(
            dir.join(format!("{}.rs", target.name)).exists(),
            "fuzz/fuzz_targets/{}.rs is missing",
            target.name
        );
    }
}
