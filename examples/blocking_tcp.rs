//! `blocking_tcp`: a blocking `TcpStream` read with `EventReader`. A thread
//! plays the server on 127.0.0.1 (an ephemeral port), so it runs offline.
//!
//! ```text
//! cargo run --example blocking_tcp
//! ```

use std::io::{BufWriter, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use ssewire::{EventReader, ServerEvent, KEEP_ALIVE};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let server = thread::spawn(move || -> std::io::Result<()> {
        let (socket, _) = listener.accept()?;
        let mut out = BufWriter::new(socket);
        ServerEvent::without_data().retry(1000).write_to(&mut out)?;
        for (i, word) in ["blocking", "reads", "just", "work"].iter().enumerate() {
            let id = i.to_string();
            ServerEvent::new(word).id(&id)?.write_to(&mut out)?;
            out.write_all(KEEP_ALIVE)?;
            out.flush()?;
        }
        // Cut in the middle of an event: the reader says so at the end.
        out.write_all(b"data: never finis")?;
        out.flush()
    });

    let mut reader = EventReader::from_read(TcpStream::connect(addr)?);
    while let Some(event) = reader.next_event()? {
        println!("#{} {}", event.id(), event.data());
    }
    println!(
        "end: {:?}, last event ID {:?}, retry {:?} ms",
        reader.end(),
        String::from_utf8_lossy(reader.last_event_id()),
        reader.reconnection_time()
    );
    server.join().expect("the server thread")?;
    Ok(())
}
