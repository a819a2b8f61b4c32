#![no_main]

// A rule pack that loads is leaked on purpose (its rules live for the whole run), so
// run this target with a generous `-rss_limit_mb`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = readylint::declarative::parse_pack("pack.toml", text);
    }
});
