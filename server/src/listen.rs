//! The listener, with the bounds `axum::serve` leaves out: a cap on open
//! connections, a deadline for a request's head, and idle and write timeouts on
//! every socket. Without them, half-sent requests and clients that never read
//! pin file descriptors and memory for as long as they like.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::{sleep, Instant, Sleep};

/// Bounds on every connection the server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// A request's head must arrive within this, or the connection is closed.
    pub header_read_timeout: Duration,
    /// A connection with no traffic either way for this long is closed. Longer
    /// than the relay's upstream timeout, so waiting on a vendor is not idleness.
    pub idle_timeout: Duration,
    /// A client that accepts no bytes for this long is dropped, with whatever
    /// it was being sent.
    pub write_timeout: Duration,
    /// Connections beyond this wait in the kernel's backlog.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        ServeLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open
/// requests finish (for at most the write timeout).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.map_err(io::Error::other)?,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or a reset before accept: wait, then go on.
                Err(_) => {
                    sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let router = router.clone();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _ = stream.set_nodelay(true);
            let io = TokioIo::new(TimedIo::new(stream, limits));
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout);
            let connection = builder.serve_connection(io, TowerToHyperService::new(router));
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopping.changed() => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
        });
    }
    drop(stopping);
    let _ = stop.send(true);
    let _ = tokio::time::timeout(limits.write_timeout, stop.closed()).await;
    Ok(())
}

/// A timer armed when an operation first waits and disarmed by any progress.
struct Deadline {
    sleep: Pin<Box<Sleep>>,
    armed: bool,
    after: Duration,
    /// What the error says when it passes.
    what: &'static str,
}

impl Deadline {
    fn new(after: Duration, what: &'static str) -> Deadline {
        Deadline {
            sleep: Box::pin(sleep(after)),
            armed: false,
            after,
            what,
        }
    }

    /// Ready with an error once the wait has lasted `after`.
    fn wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        if !self.armed {
            self.sleep.as_mut().reset(Instant::now() + self.after);
            self.armed = true;
        }
        let what = self.what;
        self.sleep
            .as_mut()
            .poll(cx)
            .map(|()| io::Error::new(io::ErrorKind::TimedOut, what))
    }
}

/// A socket that fails a read or write stuck past its deadline, so hyper closes
/// the connection and frees what it held. Any progress either way resets both.
struct TimedIo {
    stream: TcpStream,
    idle: Deadline,
    write: Deadline,
}

impl TimedIo {
    fn new(stream: TcpStream, limits: ServeLimits) -> TimedIo {
        TimedIo {
            stream,
            idle: Deadline::new(limits.idle_timeout, "connection idle"),
            write: Deadline::new(limits.write_timeout, "client stopped reading"),
        }
    }

    fn wait_idle(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        self.idle.wait(cx)
    }

    fn wait_write(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        self.write.wait(cx)
    }

    /// Passes a ready result through (counting it as progress), or turns a
    /// pending one into an error once `wait` says its deadline passed.
    fn settle<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<T>>,
        wait: fn(&mut TimedIo, &mut Context<'_>) -> Poll<io::Error>,
    ) -> Poll<io::Result<T>> {
        match result {
            Poll::Ready(result) => {
                self.idle.armed = false;
                self.write.armed = false;
                Poll::Ready(result)
            }
            Poll::Pending => wait(self, cx).map(Err),
        }
    }
}

impl AsyncRead for TimedIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        this.settle(cx, result, TimedIo::wait_idle)
    }
}

impl AsyncWrite for TimedIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.settle(cx, result, TimedIo::wait_write)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_flush(cx);
        this.settle(cx, result, TimedIo::wait_write)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.settle(cx, result, TimedIo::wait_write)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
