//! `codec_tcp`: the tokio-util codec both ways over TCP on 127.0.0.1. The
//! server writes `ServerEvent`s and keep-alives with `FramedWrite`; the client
//! reads them with `FramedRead`, where an oversized event is an item, not the
//! end of the stream.
//!
//! ```text
//! cargo run -p ssewire-http-tests --example codec_tcp
//! ```

use futures_util::{SinkExt, StreamExt};
use ssewire::{Config, EventCodec, OnLimit, ServerEvent, KEEP_ALIVE};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{FramedRead, FramedWrite};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await?;
        let mut out = FramedWrite::new(socket, EventCodec::new());
        out.send(ServerEvent::without_data().retry(2000)).await?;
        let big = "x".repeat(100_000);
        for (i, data) in ["first", big.as_str(), "after the big one"]
            .iter()
            .enumerate()
        {
            let id = i.to_string();
            out.send(ServerEvent::new(data).id(&id)?).await?;
            out.send(KEEP_ALIVE).await?;
        }
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    });

    let config = Config::new()
        .max_event_bytes(64 << 10)
        .on_limit(OnLimit::SkipEvent);
    let mut events = FramedRead::new(
        TcpStream::connect(addr).await?,
        EventCodec::with_config(config),
    );
    while let Some(item) = events.next().await {
        match item? {
            Ok(event) => println!("#{} {}", event.id(), event.data()),
            Err(refused) => println!("refused: {refused}"),
        }
    }
    let codec = events.decoder();
    println!(
        "end: {:?}, retry: {:?}",
        codec.end(),
        codec.reconnection_time()
    );
    server.await?.map_err(|e| e.to_string())?;
    Ok(())
}
