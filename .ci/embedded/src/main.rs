//! The smallest useful program: events read from an `embedded_io::Read` (a
//! byte slice here, a socket or UART on a device) into lent buffers, the
//! data lengths summed. The entry point and panic handler are its own (no
//! runtime crate), so the size is ssewire's and `core`'s.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

use ssewire::embedded::EventReader;
use ssewire::Parser;

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

#[no_mangle]
pub extern "C" fn _start() -> ! {
    let mut buf = [0u8; 64];
    let mut storage = [0u8; 256];
    // Opaque to the optimizer, as a socket's bytes would be.
    let input: &[u8] =
        core::hint::black_box(b"event: temp\r\ndata: 21.5\r\n\r\nid: 2\ndata: x\n\n");
    let mut reader = EventReader::new(input, &mut buf, Parser::new(&mut storage[..]));
    let mut sum = 0usize;
    while let Some(Ok(event)) = reader.next_event() {
        sum += event.data().len() + event.event_type().len() + event.id().len();
    }
    core::hint::black_box(sum);
    loop {}
}
