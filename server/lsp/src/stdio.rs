//! Standard input and output, read and written by the runtime's own
//! threads when the system says they are ready.
//!
//! tokio's `stdin()` and `stdout()` hand every read and every write to a
//! blocking thread: each message crossed two more threads, and while the
//! first index kept both cores busy, every thread that waited for a core
//! could wait milliseconds (the benchmark's hover during the index, p99
//! over three runs: 0.80 to 2.25 ms with those threads, 0.40 to 0.57 ms
//! without, side by side; `docs/performance.md`). When
//! they are pipes (as most programs start a server) or sockets (as
//! editors built on libuv, VS Code's and Neovim's, start it), they are
//! made non-blocking and driven by the runtime's IO driver instead; a
//! terminal or a file keeps tokio's threads.
//!
//! The output pipe is made as big as the system allows an unprivileged
//! process (1 MB on Linux): an answer of 5,000 locations is 650 KB, and
//! written into a 64 KB pipe it took ten rounds of waiting for the editor
//! to read.

use std::os::fd::{AsFd, OwnedFd};
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite};

pub type Input = Pin<Box<dyn AsyncRead + Send>>;
pub type Output = Pin<Box<dyn AsyncWrite + Send>>;

/// The process's standard input and output as the runtime's own
/// pipes or sockets where they are such, else tokio's. Must be called
/// within the runtime.
pub fn standard() -> (Input, Output) {
    let input = std::io::stdin().as_fd().try_clone_to_owned().ok().and_then(|fd| reader(fd).ok().flatten());
    let output = std::io::stdout().as_fd().try_clone_to_owned().ok().and_then(|fd| writer(fd).ok().flatten());
    (input.unwrap_or_else(|| Box::pin(tokio::io::stdin())), output.unwrap_or_else(|| Box::pin(tokio::io::stdout())))
}

/// What `fd` is, as far as reading and writing it goes.
#[derive(Debug, PartialEq)]
enum Kind {
    Pipe,
    Socket,
    Other,
}

fn kind(fd: &OwnedFd) -> std::io::Result<Kind> {
    use std::os::unix::fs::FileTypeExt;
    let file_type = std::fs::File::from(fd.try_clone()?).metadata()?.file_type();
    Ok(if file_type.is_fifo() {
        Kind::Pipe
    } else if file_type.is_socket() {
        Kind::Socket
    } else {
        Kind::Other
    })
}

/// `fd` to read as the runtime's own, or `None` if it is neither a pipe
/// nor a socket.
fn reader(fd: OwnedFd) -> std::io::Result<Option<Input>> {
    Ok(match kind(&fd)? {
        Kind::Pipe => Some(Box::pin(tokio::net::unix::pipe::Receiver::from_owned_fd(fd)?)),
        Kind::Socket => Some(Box::pin(socket(fd)?)),
        Kind::Other => None,
    })
}

/// `fd` to write as the runtime's own, or `None` if it is neither a pipe
/// nor a socket. A pipe is made as big as allowed.
fn writer(fd: OwnedFd) -> std::io::Result<Option<Output>> {
    Ok(match kind(&fd)? {
        Kind::Pipe => {
            enlarge_pipe(&fd);
            Some(Box::pin(tokio::net::unix::pipe::Sender::from_owned_fd(fd)?))
        }
        Kind::Socket => Some(Box::pin(socket(fd)?)),
        Kind::Other => None,
    })
}

fn socket(fd: OwnedFd) -> std::io::Result<tokio::net::UnixStream> {
    let stream = std::os::unix::net::UnixStream::from(fd);
    stream.set_nonblocking(true)?;
    tokio::net::UnixStream::from_std(stream)
}

/// Linux only; elsewhere pipes stay as they are.
fn enlarge_pipe(fd: &OwnedFd) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // The most an unprivileged process may ask for, unless lowered.
        let most = std::fs::read_to_string("/proc/sys/fs/pipe-max-size").ok().and_then(|s| s.trim().parse::<libc::c_int>().ok()).unwrap_or(1 << 20);
        // SAFETY: a plain fcntl on a descriptor we own; on failure the pipe
        // keeps its size.
        unsafe {
            libc::fcntl(fd.as_raw_fd(), libc::F_SETPIPE_SZ, most.min(1 << 20));
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = fd;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Bytes written at one end arrive at the other, through the
    /// runtime's own reading and writing.
    async fn carries(mut output: Output, mut input: Input) {
        let message = vec![b'x'; 300_000];
        let sent = message.clone();
        let writing = tokio::spawn(async move {
            output.write_all(&sent).await.unwrap();
            output.flush().await.unwrap();
        });
        let mut got = vec![0; message.len()];
        input.read_exact(&mut got).await.unwrap();
        writing.await.unwrap();
        assert_eq!(got, message);
    }

    #[tokio::test]
    async fn a_pipe_is_read_and_written_by_the_runtime_and_made_bigger() {
        let (read, write) = std::io::pipe().unwrap();
        let (read, write) = (OwnedFd::from(read), OwnedFd::from(write));
        assert_eq!(kind(&write).unwrap(), Kind::Pipe);
        let output = writer(write.try_clone().unwrap()).unwrap().expect("a pipe is taken");
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: reads the size of a pipe we own.
            let size = unsafe { libc::fcntl(write.as_raw_fd(), libc::F_GETPIPE_SZ) };
            assert!(size > 64 * 1024, "the pipe was made bigger: {size}");
        }
        carries(output, reader(read).unwrap().expect("a pipe is taken")).await;
    }

    #[tokio::test]
    async fn a_socket_is_read_and_written_by_the_runtime() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let (a, b) = (OwnedFd::from(a), OwnedFd::from(b));
        assert_eq!(kind(&a).unwrap(), Kind::Socket);
        carries(writer(a).unwrap().expect("a socket is taken"), reader(b).unwrap().expect("a socket is taken")).await;
    }

    #[tokio::test]
    async fn a_file_is_left_to_tokio() {
        let file = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();
        assert!(reader(OwnedFd::from(file)).unwrap().is_none());
    }
}
