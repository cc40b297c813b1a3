#![no_std]
#![no_main]

use core::panic::PanicInfo;

use ssewire::{Error, Event, Handler, Parser};

/// The host's prebuilt `core` refers to this even with `panic = "abort"`;
/// nothing calls it.
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// Counts events; an error makes the count wrong, which the check sees.
struct Count(i32);

impl Handler for Count {
    fn event(&mut self, _: Event<'_>) {
        self.0 += 1;
    }

    fn error(&mut self, _: Error) {
        self.0 += 100;
    }
}

/// Parses a stream in lent storage; the exit code is the number of events.
#[no_mangle]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut storage = [0u8; 128];
    let mut parser = Parser::new(&mut storage[..]);
    let mut count = Count(0);
    parser.feed_all(b"data: a\r\n\r\nevent: e\ndata: b\n\n", &mut count);
    count.0
}
