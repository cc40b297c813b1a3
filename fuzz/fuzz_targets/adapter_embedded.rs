#![no_main]

libfuzzer_sys::fuzz_target!(|input: &[u8]| ssewire_testkit::adapters::embedded(input));
