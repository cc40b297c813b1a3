#![no_main]

#[path = "../checks/encode.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|input: &[u8]| checks::encode(input));
