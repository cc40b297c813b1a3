#![no_std]
#![no_main]

use core::panic::PanicInfo;

use ssewire::{Assembler, Step};

/// The host's prebuilt `core` refers to this even with `panic = "abort"`;
/// nothing calls it.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// Parses a stream in lent storage; the exit code is the number of events.
#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut storage = [0u8; 128];
    let mut parser = Assembler::new(&mut storage);
    let mut input: &[u8] = b"data: a\r\n\r\nevent: e\ndata: b\n\n";
    let mut events = 0;
    loop {
        let (step, used) = parser.feed(input);
        input = input.get(used..).unwrap_or_default();
        match step {
            Ok(Step::Event(_)) => events += 1,
            Ok(Step::NeedInput) | Err(_) => break,
            Ok(_) => {}
        }
    }
    events
}
