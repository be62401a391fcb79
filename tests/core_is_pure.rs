//! The core must stay free of browser and UI crates, so it runs and is tested natively.

use std::path::Path;

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/core is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn core_imports_no_leptos_web_sys_or_gloo() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core"),
        &mut files,
    );
    assert!(
        files.len() > 5,
        "expected the core's modules, found {files:?}"
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable source");
        for forbidden in [
            "leptos",
            "leptos_router",
            "web_sys",
            "gloo_net",
            "wasm_bindgen",
            "js_sys",
        ] {
            let path_use = format!("{forbidden}::");
            assert!(
                !text.contains(&path_use),
                "{} mentions `{forbidden}`: the core must stay pure",
                file.display()
            );
        }
    }
}
